-- position_path(half_life_days, key): the running position of each country (or holder) after each
-- day with voices: the decayed confidence-weighted mean of all voices so far. The running mean is
-- anchored at each series' newest day; points more than ~1000 half-lives older than that underflow
-- and come out NULL. day_statement_id is the day's strongest statement.
CREATE OR REPLACE MACRO position_path(half_life_days, key) AS TABLE
WITH daily AS (
    SELECT
        conflict, topic,
        CASE WHEN key = 'holder' THEN holder_id ELSE country END AS actor,
        day,
        sum(confidence * score)                            AS sw,
        sum(confidence)                                    AS w,
        count(*)                                           AS voices,
        arg_max(top_statement_id, confidence * abs(score)) AS day_statement_id
    FROM statement_voices
    WHERE key = 'holder' OR country IS NOT NULL
    GROUP BY ALL
), anchored AS (
    SELECT *,
        pow(2.0, (epoch(day) - max(epoch(day)) OVER (PARTITION BY conflict, topic, actor))
                 / 86400.0 / CAST(half_life_days AS DOUBLE)) AS k
    FROM daily
)
SELECT conflict, topic, actor, day, voices,
       sum(sw * k) OVER run / nullif(sum(w * k) OVER run, 0) AS position,
       day_statement_id
FROM anchored
WINDOW run AS (PARTITION BY conflict, topic, actor ORDER BY day ROWS UNBOUNDED PRECEDING);

-- shifts_at(half_life_days, min_level, min_move, key): days when a country's (or holder's) position
-- changes sign with both sides at least min_level from zero, or moves by at least min_move.
-- before_* is the strongest statement of the previous day with voices, after_* that of the day of
-- the shift.
CREATE OR REPLACE MACRO shifts_at(half_life_days, min_level, min_move, key) AS TABLE
WITH paired AS (
    SELECT *,
        lag(position)         OVER seq AS position_before,
        lag(day)              OVER seq AS day_before,
        lag(day_statement_id) OVER seq AS before_statement_id
    FROM position_path(half_life_days, key)
    WINDOW seq AS (PARTITION BY conflict, topic, actor ORDER BY day)
)
SELECT
    p.conflict, p.topic, p.actor, p.day,
    round(p.position_before, 4) AS position_before,
    round(p.position, 4)        AS position_after,
    round(p.position - p.position_before, 4) AS change,
    CASE WHEN sign(p.position) <> sign(p.position_before)
              AND abs(p.position) >= min_level AND abs(p.position_before) >= min_level
         THEN 'sign_change' ELSE 'sharp_move' END AS kind,
    p.day_before,
    p.before_statement_id,
    b.holder_name AS before_holder,
    b.score       AS before_score,
    b.evidence    AS before_evidence,
    p.day_statement_id AS after_statement_id,
    a.holder_name AS after_holder,
    a.score       AS after_score,
    a.evidence    AS after_evidence
FROM paired p
LEFT JOIN statements b ON b.statement_id = p.before_statement_id
LEFT JOIN statements a ON a.statement_id = p.day_statement_id
WHERE p.position_before IS NOT NULL AND p.position IS NOT NULL
  AND ((sign(p.position) <> sign(p.position_before)
        AND abs(p.position) >= min_level AND abs(p.position_before) >= min_level)
       OR abs(p.position - p.position_before) >= min_move);

-- shifts: country shifts with the configured half-life and thresholds (series_settings).
CREATE OR REPLACE VIEW shifts AS
SELECT conflict, topic, actor AS country, day, position_before, position_after, change, kind,
       day_before, before_statement_id, before_holder, before_score, before_evidence,
       after_statement_id, after_holder, after_score, after_evidence
FROM shifts_at((SELECT value FROM series_settings WHERE name = 'half_life_days'),
               (SELECT value FROM series_settings WHERE name = 'shift_min_level'),
               (SELECT value FROM series_settings WHERE name = 'shift_min_move'),
               'country');
