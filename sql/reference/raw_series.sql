-- Reference definitions of the series computed straight from `statements`, with no derived
-- tables: what the views over voices / series_*_daily must equal. Temporary macros (they work on a
-- read-only connection and vanish with it), never installed in stores; the
-- tests load them to check that the incrementally refreshed tables are exact, and bench/store.py
-- times them as the baseline the derived tables are measured against.

CREATE OR REPLACE TEMP MACRO raw_voices() AS TABLE
SELECT story_id, holder_id, conflict, topic,
       min(published_at)                                    AS published_at,
       CAST(min(published_at) AS DATE)                      AS day,
       sum(score * confidence) / nullif(sum(confidence), 0) AS score,
       max(confidence)                                      AS confidence,
       count(*)                                             AS statements,
       count(DISTINCT source)                               AS sources,
       arg_max({'statement_id': statement_id, 'score': score, 'evidence': evidence,
                'holder_name': holder_name, 'country': country},
               (abs(score) * confidence, statement_id))     AS top
FROM statements
WHERE published_at IS NOT NULL
GROUP BY story_id, holder_id, conflict, topic;

-- raw_daily(key): per day, conflict, topic and country ('country') or holder ('holder').
CREATE OR REPLACE TEMP MACRO raw_daily(key) AS TABLE
WITH raw AS (
    SELECT CAST(published_at AS DATE) AS day, conflict, topic,
           CASE WHEN key = 'holder' THEN holder_id ELSE country END AS actor,
           count(*) AS statements, count(DISTINCT story_id) AS stories, count(DISTINCT source) AS sources
    FROM statements
    WHERE published_at IS NOT NULL AND (key = 'holder' OR country IS NOT NULL)
    GROUP BY ALL
), voiced AS (
    SELECT day, conflict, topic,
           CASE WHEN key = 'holder' THEN holder_id ELSE top.country END AS actor,
           count(*) AS voices, sum(statements) AS voice_statements,
           count(*) FILTER (WHERE score > 0) AS support_voices,
           count(*) FILTER (WHERE score < 0) AS oppose_voices,
           sum(score * confidence) AS sum_cs, sum(confidence) AS sum_c,
           arg_max(top.statement_id, (abs(score) * confidence, top.statement_id)) AS top_statement_id
    FROM raw_voices()
    WHERE key = 'holder' OR top.country IS NOT NULL
    GROUP BY ALL
)
SELECT coalesce(r.day, v.day) AS day, coalesce(r.conflict, v.conflict) AS conflict,
       coalesce(r.topic, v.topic) AS topic, coalesce(r.actor, v.actor) AS actor,
       coalesce(r.statements, 0) AS statements, coalesce(r.stories, 0) AS stories,
       coalesce(r.sources, 0) AS sources, coalesce(v.voices, 0) AS voices,
       coalesce(v.voice_statements, 0) AS voice_statements,
       coalesce(v.support_voices, 0) AS support_voices, coalesce(v.oppose_voices, 0) AS oppose_voices,
       v.sum_cs, v.sum_c, v.top_statement_id
FROM raw r
FULL JOIN voiced v ON r.day = v.day AND r.conflict = v.conflict AND r.topic = v.topic AND r.actor = v.actor;

-- raw_positions(as_of, half_life_days, window_days, key): positions_at from the raw voices.
CREATE OR REPLACE TEMP MACRO raw_positions(as_of, half_life_days, window_days, key) AS TABLE
WITH v AS (
    SELECT *, CASE WHEN key = 'holder' THEN holder_id ELSE top.country END AS actor FROM raw_voices()
    WHERE key = 'holder' OR top.country IS NOT NULL
), ref AS (
    -- each conflict and topic from its own newest day with voices on or before as_of
    SELECT conflict, topic, max(day) AS d FROM v
    WHERE as_of IS NULL OR day <= CAST(as_of AS DATE)
    GROUP BY conflict, topic
), w AS (
    SELECT v.*, confidence * pow(2.0, -(ref.d - v.day) / CAST(half_life_days AS DOUBLE)) AS w
    FROM v JOIN ref ON ref.conflict = v.conflict AND ref.topic = v.topic
    WHERE v.day <= ref.d AND v.day > ref.d - CAST(window_days AS INTEGER)
)
SELECT conflict, topic, actor,
       round(sum(w * score) / nullif(sum(w), 0), 4) AS position,
       count(*) AS voices, sum(statements) AS statements, count(DISTINCT day) AS days,
       max(published_at) AS last_statement_at,
       arg_max(top.statement_id, (w * abs(score), top.statement_id)) AS top_statement_id
FROM w
GROUP BY ALL;

-- raw_position_path(half_life_days, key): the running position after each day with voices.
CREATE OR REPLACE TEMP MACRO raw_position_path(half_life_days, key) AS TABLE
WITH d AS (
    SELECT conflict, topic, actor, day, sum_cs, sum_c,
           pow(2.0, (epoch(day) - max(epoch(day)) OVER (PARTITION BY conflict, topic, actor))
                    / 86400.0 / CAST(half_life_days AS DOUBLE)) AS k
    FROM raw_daily(key)
    WHERE voices > 0
)
SELECT conflict, topic, actor, day,
       sum(sum_cs * k) OVER run / nullif(sum(sum_c * k) OVER run, 0) AS position
FROM d
WINDOW run AS (PARTITION BY conflict, topic, actor ORDER BY day ROWS UNBOUNDED PRECEDING);
