-- positions_at(as_of, half_life_days, window_days, key): where each country (key 'country') or
-- holder (key 'holder') stands on each conflict and topic at the end of the day as_of.
--   as_of          a DATE (a TIMESTAMP counts as its day); NULL means the newest day with
--                  statements, so a backfilled store shows its latest state rather than an empty table
--   half_life_days a voice weighs confidence * 2 ** (-age_days / half_life_days), its age counted in
--                  whole days from as_of
--   window_days    voices more than this many days older than as_of are ignored
-- position is the decayed, confidence-weighted mean of the voices' scores, in [-1, 1]; weight is
-- the decayed evidence mass behind it (small when the position rests on old or few statements).
-- top_* is the statement that weighs most in the position: its date, holder and sentence.
-- Computed from the derived table series_daily: with ages in whole days, each day's sums carry
-- every voice of that day exactly, for any half-life.
CREATE OR REPLACE MACRO positions_at(as_of, half_life_days, window_days, key) AS TABLE
WITH ref AS (
    SELECT coalesce(CAST(as_of AS DATE), (SELECT max(day) FROM series_daily WHERE voices > 0)) AS d
), weighted AS (
    SELECT s.*,
           pow(2.0, -(ref.d - s.day) / CAST(half_life_days AS DOUBLE)) AS f
    FROM series_daily s, ref
    WHERE s.per = key AND s.voices > 0
      AND s.day <= ref.d AND s.day > ref.d - CAST(window_days AS INTEGER)
), pos AS (
    SELECT
        conflict, topic, actor,
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
)
SELECT
    p.conflict, p.topic, p.actor, p.named.name AS holder_name, p.named.country AS holder_country,
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
    (SELECT d FROM ref) AS as_of
FROM pos p
WHERE p.position IS NOT NULL;

-- positions: every country's current stance with the configured half-life and window (series_settings).
CREATE OR REPLACE VIEW positions AS
SELECT conflict, topic, actor AS country, position, stance, weight, voices, statements, days,
       support_voices, oppose_voices, last_statement_at, top_statement_id, top_published_at,
       top_holder, top_score, top_evidence
FROM positions_at(NULL,
                  (SELECT value FROM series_settings WHERE name = 'half_life_days'),
                  (SELECT value FROM series_settings WHERE name = 'window_days'),
                  'country');
