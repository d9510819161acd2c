-- series_at(bucket, key): the time series behind statements_daily and the timeseries query.
--   bucket  an interval such as '1 day', '7 days', '1 month' (buckets start on a Monday for weeks)
--   key     'country' to aggregate per (conflict, topic, country), 'holder' per (conflict, topic, holder)
-- Counts come from the raw statements (statements, distinct stories, distinct outlets); the mean
-- score and the strongest statement come from statement_voices, so a syndicated story weighs once.
CREATE OR REPLACE MACRO series_at(bucket, key) AS TABLE
WITH raw AS (
    SELECT
        time_bucket(CAST(bucket AS INTERVAL), CAST(published_at AS DATE)) AS period,
        conflict, topic,
        CASE WHEN key = 'holder' THEN holder_id ELSE country END AS actor,
        count(*)                  AS statements,
        count(DISTINCT story_id)  AS stories,
        count(DISTINCT source)    AS sources
    FROM statements
    WHERE published_at IS NOT NULL AND (key = 'holder' OR country IS NOT NULL)
    GROUP BY ALL
), voiced AS (
    SELECT
        time_bucket(CAST(bucket AS INTERVAL), day) AS period,
        conflict, topic,
        CASE WHEN key = 'holder' THEN holder_id ELSE country END AS actor,
        arg_max(holder_name, confidence)                       AS holder_name,
        arg_max(country, confidence)                           AS holder_country,
        count(*)                                               AS voices,
        count(*) FILTER (WHERE score > 0)                      AS support_voices,
        count(*) FILTER (WHERE score < 0)                      AS oppose_voices,
        sum(score * confidence) / nullif(sum(confidence), 0)   AS mean_score,
        arg_max(top_statement_id, abs(score) * confidence)     AS top_statement_id
    FROM statement_voices
    WHERE key = 'holder' OR country IS NOT NULL
    GROUP BY ALL
)
SELECT
    r.period, r.conflict, r.topic, r.actor,
    v.holder_name, v.holder_country,
    r.statements, v.voices, r.stories, r.sources,
    v.support_voices, v.oppose_voices,
    round(v.mean_score, 4) AS mean_score,
    v.top_statement_id,
    s.score       AS top_score,
    s.holder_name AS top_holder,
    s.evidence    AS top_evidence
FROM raw r
JOIN voiced v USING (period, conflict, topic, actor)
LEFT JOIN statements s ON s.statement_id = v.top_statement_id;

-- statements_daily: per day, conflict, topic and country.
CREATE OR REPLACE VIEW statements_daily AS
SELECT period AS day, conflict, topic, actor AS country, statements, voices, stories, sources,
       support_voices, oppose_voices, mean_score, top_statement_id, top_score, top_holder, top_evidence
FROM series_at('1 day', 'country');

-- statements_daily_holder: the same per holder (a person, a state speaking, an organisation, a group).
CREATE OR REPLACE VIEW statements_daily_holder AS
SELECT period AS day, conflict, topic, actor AS holder_id, holder_name, holder_country AS country,
       statements, voices, stories, sources, support_voices, oppose_voices, mean_score,
       top_statement_id, top_score, top_evidence
FROM series_at('1 day', 'holder');
