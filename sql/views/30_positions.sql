-- positions_at(as_of, half_life_days, window_days, key): where each country (key 'country') or
-- holder (key 'holder') stands on each conflict and topic at as_of.
--   as_of          TIMESTAMP (UTC); NULL means the newest statement in the store, so a backfilled
--                  store shows its latest state rather than an empty table
--   half_life_days a voice weighs 2 ** (-age_days / half_life_days) times its confidence
--   window_days    voices older than this are ignored
-- position is the decayed, confidence-weighted mean of the voices' scores, in [-1, 1]; weight is
-- the decayed evidence mass behind it (small when the position rests on old or few statements).
-- top_* is the statement that weighs most in the position: its date, holder and sentence.
CREATE OR REPLACE MACRO positions_at(as_of, half_life_days, window_days, key) AS TABLE
WITH ref AS (
    SELECT coalesce(CAST(as_of AS TIMESTAMP), (SELECT max(published_at) FROM statements)) AS t
), weighted AS (
    SELECT
        v.*,
        CASE WHEN key = 'holder' THEN v.holder_id ELSE v.country END AS actor,
        v.confidence * pow(2.0, -(epoch(ref.t) - epoch(v.published_at)) / 86400.0
                                / CAST(half_life_days AS DOUBLE)) AS w
    FROM statement_voices v, ref
    WHERE v.published_at <= ref.t
      AND v.published_at > ref.t - to_days(CAST(window_days AS INTEGER))
      AND (key = 'holder' OR v.country IS NOT NULL)
), pos AS (
    SELECT
        conflict, topic, actor,
        arg_max(holder_name, w)                       AS holder_name,
        arg_max(country, w)                           AS holder_country,
        sum(w * score) / nullif(sum(w), 0)            AS position,
        sum(w)                                        AS weight,
        count(*)                                      AS voices,
        sum(statements)                               AS statements,
        count(DISTINCT story_id)                      AS stories,
        count(*) FILTER (WHERE score > 0)             AS support_voices,
        count(*) FILTER (WHERE score < 0)             AS oppose_voices,
        max(published_at)                             AS last_statement_at,
        arg_max(top_statement_id, w * abs(score))     AS top_statement_id
    FROM weighted
    GROUP BY conflict, topic, actor
)
SELECT
    p.conflict, p.topic, p.actor, p.holder_name, p.holder_country,
    round(p.position, 4) AS position,
    CASE WHEN p.position >= 0.15 THEN 'support'
         WHEN p.position <= -0.15 THEN 'oppose'
         ELSE 'mixed' END AS stance,
    round(p.weight, 6) AS weight,
    p.voices, p.statements, p.stories, p.support_voices, p.oppose_voices,
    p.last_statement_at,
    p.top_statement_id,
    s.published_at AS top_published_at,
    s.holder_name  AS top_holder,
    s.score        AS top_score,
    s.evidence     AS top_evidence,
    (SELECT t FROM ref) AS as_of
FROM pos p
LEFT JOIN statements s ON s.statement_id = p.top_statement_id
WHERE p.position IS NOT NULL;

-- positions: every country's current stance with the configured half-life and window (series_settings).
CREATE OR REPLACE VIEW positions AS
SELECT conflict, topic, actor AS country, position, stance, weight, voices, statements, stories,
       support_voices, oppose_voices, last_statement_at, top_statement_id, top_published_at,
       top_holder, top_score, top_evidence
FROM positions_at(NULL,
                  (SELECT value FROM series_settings WHERE name = 'half_life_days'),
                  (SELECT value FROM series_settings WHERE name = 'window_days'),
                  'country');
