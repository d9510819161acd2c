-- series_at(bucket, key): the time series behind statements_daily and the timeseries query.
--   bucket  an interval such as '1 day', '7 days', '1 month' (buckets start on a Monday for weeks)
--   key     'country' to aggregate per (conflict, topic, country), 'holder' per (conflict, topic, holder)
-- Counts come from the raw statements (statements, distinct stories, distinct outlets); the mean
-- score and the strongest statement come from the voices, so a syndicated story weighs once.
-- A '1 day' bucket reads the derived daily rows as they are; longer buckets sum them, except
-- distinct stories and outlets, which are not sums of daily counts and are counted from the
-- statements themselves.
CREATE OR REPLACE MACRO series_at(bucket, key) AS TABLE
WITH daily AS (
    SELECT day AS period, conflict, topic, actor, holder_name, holder_country,
           CAST(statements AS BIGINT) AS statements, CAST(voices AS BIGINT) AS voices,
           CAST(stories AS BIGINT) AS stories, CAST(sources AS BIGINT) AS sources,
           CAST(support_voices AS BIGINT) AS support_voices, CAST(oppose_voices AS BIGINT) AS oppose_voices,
           round(sum_cs / nullif(sum_c, 0), 4) AS mean_score,
           top_statement_id, top_score, top_holder, top_evidence
    FROM series_daily
    WHERE per = key AND CAST(bucket AS INTERVAL) = INTERVAL 1 DAY
), agg AS (
    SELECT
        time_bucket(CAST(bucket AS INTERVAL), day)              AS period,
        conflict, topic, actor,
        arg_max({'name': holder_name, 'country': holder_country}, name_key) AS named,
        sum(statements)                                         AS statements,
        sum(voices)                                             AS voices,
        sum(support_voices)                                     AS support_voices,
        sum(oppose_voices)                                      AS oppose_voices,
        sum(sum_cs) / nullif(sum(sum_c), 0)                     AS mean_score,
        arg_max({'id': top_statement_id, 'score': top_score, 'holder': top_holder,
                 'evidence': top_evidence}, top_key)            AS top
    FROM series_daily
    WHERE per = key AND CAST(bucket AS INTERVAL) <> INTERVAL 1 DAY
    GROUP BY ALL
), counted AS (
    SELECT
        time_bucket(CAST(bucket AS INTERVAL), CAST(published_at AS DATE)) AS period,
        conflict, topic,
        CASE WHEN key = 'holder' THEN holder_id ELSE country END AS actor,
        count(DISTINCT story_id)  AS stories,
        count(DISTINCT source)    AS sources
    FROM statements
    WHERE CAST(bucket AS INTERVAL) <> INTERVAL 1 DAY
      AND published_at IS NOT NULL AND (key = 'holder' OR country IS NOT NULL)
    GROUP BY ALL
)
SELECT * FROM daily
UNION ALL
SELECT
    a.period, a.conflict, a.topic, a.actor,
    a.named.name, a.named.country,
    CAST(a.statements AS BIGINT), CAST(a.voices AS BIGINT),
    CAST(c.stories AS BIGINT), CAST(c.sources AS BIGINT),
    CAST(a.support_voices AS BIGINT), CAST(a.oppose_voices AS BIGINT),
    round(a.mean_score, 4),
    a.top.id, a.top.score, a.top.holder, a.top.evidence
FROM agg a
LEFT JOIN counted c ON c.period = a.period AND c.conflict = a.conflict AND c.topic = a.topic AND c.actor = a.actor;

-- statements_daily: per day, conflict, topic and country (straight from the derived table).
CREATE OR REPLACE VIEW statements_daily AS
SELECT day, conflict, topic, actor AS country, statements, voices, stories, sources,
       support_voices, oppose_voices, round(sum_cs / nullif(sum_c, 0), 4) AS mean_score,
       top_statement_id, top_score, top_holder, top_evidence
FROM series_country_daily;

-- statements_daily_holder: the same per holder (a person, a state speaking, an organisation, a group).
CREATE OR REPLACE VIEW statements_daily_holder AS
SELECT day, conflict, topic, actor AS holder_id, holder_name, holder_country AS country,
       statements, voices, stories, sources, support_voices, oppose_voices,
       round(sum_cs / nullif(sum_c, 0), 4) AS mean_score,
       top_statement_id, top_score, top_evidence
FROM series_holder_daily;
