-- series_at(bucket, key): the time series behind statements_daily and the timeseries query.
--   bucket  an interval such as '1 day', '7 days', '1 month' (buckets start on a Monday for weeks)
--   key     'country' to aggregate per (conflict, topic, country), 'holder' per (conflict, topic, holder)
-- actor_name is the actor's name (the country's per country, the holder's per holder) and
-- actor_country the country it speaks for; top_* the period's strongest statement.
-- Counts come from the raw statements (statements, distinct stories, distinct outlets); the mean
-- score and the strongest statement come from the voices, so a syndicated story weighs once.
-- A '1 day' bucket reads the derived daily rows as they are; longer buckets sum them, except
-- distinct stories and outlets, which are not sums of daily counts and are counted from the
-- statements themselves.
CREATE OR REPLACE MACRO series_at(bucket, key) AS TABLE
WITH daily AS (
    SELECT day AS period, conflict, topic, actor, holder_name AS named_name, holder_country AS named_country,
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
), joined AS (
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
LEFT JOIN counted c ON c.period = a.period AND c.conflict = a.conflict AND c.topic = a.topic AND c.actor = a.actor
), country_names AS (
    SELECT code, arg_min(name, CASE actor_id WHEN 'state:' || code THEN 0 WHEN 'org:' || code THEN 1 ELSE 2 END)
               AS name
    FROM actors
    WHERE code IS NOT NULL AND key = 'country'
    GROUP BY code
)
SELECT j.period, j.conflict, j.topic, j.actor,
       CASE WHEN key = 'country' THEN coalesce(n.name, j.actor) ELSE j.named_name END AS actor_name,
       CASE WHEN key = 'country' THEN j.actor ELSE j.named_country END               AS actor_country,
       j.statements, j.voices, j.stories, j.sources, j.support_voices, j.oppose_voices, j.mean_score,
       j.top_statement_id, j.top_score, j.top_holder, j.top_evidence
FROM joined j
LEFT JOIN country_names n ON n.code = j.actor;

-- statements_daily: per day, conflict, topic and country (straight from the derived table); actor
-- is the country or organisation code, as in every per-country view.
CREATE OR REPLACE VIEW statements_daily AS
SELECT day, conflict, topic, actor, statements, voices, stories, sources,
       support_voices, oppose_voices, round(sum_cs / nullif(sum_c, 0), 4) AS mean_score,
       top_statement_id, top_score, top_holder, top_evidence
FROM series_country_daily;

-- statements_daily_holder: the same per holder (a person, a state speaking, an organisation, a
-- group): actor is the holder id, actor_name its name, actor_country the country it speaks for.
CREATE OR REPLACE VIEW statements_daily_holder AS
SELECT day, conflict, topic, actor, holder_name AS actor_name, holder_country AS actor_country,
       statements, voices, stories, sources, support_voices, oppose_voices,
       round(sum_cs / nullif(sum_c, 0), 4) AS mean_score,
       top_statement_id, top_score, top_holder, top_evidence
FROM series_holder_daily;
