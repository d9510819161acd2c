-- positions_at(as_of, half_life_days, window_days, key): where each country (key 'country') or
-- holder (key 'holder') stands on each conflict and topic: the latest state of every conflict and
-- topic as known at the end of the day as_of.
--   as_of          a DATE (a TIMESTAMP counts as its day), or NULL for no limit. Each conflict and
--                  topic is looked at from its own newest day with statements on or before as_of
--                  (column as_of), so a conflict that went quiet shows its last state instead of
--                  silently dropping out; last_statement_at and as_of show how old that state is
--   half_life_days a voice weighs confidence * 2 ** (-age_days / half_life_days), its age counted in
--                  whole days from the row's as_of
--   window_days    voices more than this many days older than the row's as_of are ignored
--                  (window_start is the first day counted)
-- One vocabulary across the views, macros, queries, the CLI and the API: actor is what a row is
-- about (a country or organisation code per country, a holder id per holder), actor_name its name
-- (Italy; Giorgia Meloni) and actor_country the country it speaks for; holder_* belongs to single
-- statements (who spoke); top_* is the statement that weighs most in the row.
-- position is the decayed, confidence-weighted mean of the voices' scores, in [-1, 1]; weight is
-- the decayed evidence mass behind it (small when the position rests on few or weak statements).
-- Computed from the derived table series_daily: with ages in whole days, each day's sums carry
-- every voice of that day exactly, for any half-life.
CREATE OR REPLACE MACRO positions_at(as_of, half_life_days, window_days, key) AS TABLE
WITH latest AS (
    SELECT conflict, topic, max(day) AS d
    FROM series_daily
    WHERE per = key AND voices > 0 AND (as_of IS NULL OR day <= CAST(as_of AS DATE))
    GROUP BY conflict, topic
), weighted AS (
    SELECT s.*, l.d AS ref_day,
           pow(2.0, -(l.d - s.day) / CAST(half_life_days AS DOUBLE)) AS f
    FROM series_daily s
    JOIN latest l ON l.conflict = s.conflict AND l.topic = s.topic
    WHERE s.per = key AND s.voices > 0
      AND s.day <= l.d AND s.day > l.d - CAST(window_days AS INTEGER)
), pos AS (
    SELECT
        conflict, topic, actor,
        any_value(ref_day)                            AS ref_day,
        arg_max({'name': holder_name, 'country': holder_country}, name_key * f) AS named,
        sum(f * sum_cs) / nullif(sum(f * sum_c), 0)   AS position,
        sum(f * sum_c)                                AS weight,
        sum(voices)                                   AS voices,
        sum(voice_statements)                         AS statements,
        count(*)                                      AS days,
        sum(support_voices)                           AS support_voices,
        sum(oppose_voices)                            AS oppose_voices,
        max(last_published_at)                        AS last_statement_at,
        arg_max({'id': top_statement_id, 'published_at': top_published_at, 'holder': top_holder,
                 'score': top_score, 'evidence': top_evidence}, top_key * f) AS top
    FROM weighted
    GROUP BY conflict, topic, actor
), country_names AS (
    -- the name of a country or organisation code: its state, else the organisation of that code
    SELECT code, arg_min(name, CASE actor_id WHEN 'state:' || code THEN 0 WHEN 'org:' || code THEN 1 ELSE 2 END)
               AS name
    FROM actors
    WHERE code IS NOT NULL
    GROUP BY code
)
SELECT
    p.conflict, p.topic, p.actor,
    CASE WHEN key = 'country' THEN coalesce(n.name, p.actor) ELSE p.named.name END AS actor_name,
    CASE WHEN key = 'country' THEN p.actor ELSE p.named.country END               AS actor_country,
    round(p.position, 4) AS position,
    CASE WHEN p.position >= 0.15 THEN 'support'
         WHEN p.position <= -0.15 THEN 'oppose'
         ELSE 'mixed' END AS stance,
    round(p.weight, 6) AS weight,
    CAST(p.voices AS BIGINT) AS voices, CAST(p.statements AS BIGINT) AS statements, p.days,
    CAST(p.support_voices AS BIGINT) AS support_voices, CAST(p.oppose_voices AS BIGINT) AS oppose_voices,
    p.last_statement_at,
    p.top.id           AS top_statement_id,
    p.top.published_at AS top_published_at,
    p.top.holder       AS top_holder,
    p.top.score        AS top_score,
    p.top.evidence     AS top_evidence,
    p.ref_day          AS as_of,
    CAST(p.ref_day - CAST(window_days AS INTEGER) + 1 AS DATE) AS window_start
FROM pos p
LEFT JOIN country_names n ON key = 'country' AND n.code = p.actor
WHERE p.position IS NOT NULL;

-- positions: every country's current stance with the configured half-life and window (series_settings).
CREATE OR REPLACE VIEW positions AS
SELECT conflict, topic, actor, actor_name, position, stance, weight, voices, statements, days,
       support_voices, oppose_voices, last_statement_at, top_statement_id, top_published_at,
       top_holder, top_score, top_evidence, as_of, window_start
FROM positions_at(NULL,
                  (SELECT value FROM series_settings WHERE name = 'half_life_days'),
                  (SELECT value FROM series_settings WHERE name = 'window_days'),
                  'country');
