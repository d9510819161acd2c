-- position_path(half_life_days, key): the running position of each country (or holder) after each
-- day with voices: the decayed confidence-weighted mean of all its voices so far, with the previous
-- day's position, and day_* the day's strongest statement. At the configured half-life the path is
-- read from the derived series tables, where each write session keeps it current; at any other
-- half-life it is computed here, anchored at each series' newest day (points more than ~1000
-- half-lives older than that underflow and come out NULL).
CREATE OR REPLACE MACRO position_path(half_life_days, key) AS TABLE
WITH stored AS (
    SELECT conflict, topic, actor, day, voices, position, position_before, day_before,
           top_statement_id, top_holder, top_score, top_evidence
    FROM series_daily
    WHERE per = key AND voices > 0
      AND CAST(half_life_days AS DOUBLE) IS NOT DISTINCT FROM
          (SELECT value FROM series_settings WHERE name = 'path_half_life_days')
), anchored AS (
    SELECT conflict, topic, actor, day, voices, sum_cs, sum_c,
           top_statement_id, top_holder, top_score, top_evidence,
           pow(2.0, (epoch(day) - max(epoch(day)) OVER (PARTITION BY conflict, topic, actor))
                    / 86400.0 / CAST(half_life_days AS DOUBLE)) AS k
    FROM series_daily
    WHERE per = key AND voices > 0
      AND CAST(half_life_days AS DOUBLE) IS DISTINCT FROM
          (SELECT value FROM series_settings WHERE name = 'path_half_life_days')
), computed AS (
    SELECT conflict, topic, actor, day, voices,
           sum(sum_cs * k) OVER run / nullif(sum(sum_c * k) OVER run, 0) AS position,
           top_statement_id, top_holder, top_score, top_evidence
    FROM anchored
    WINDOW run AS (PARTITION BY conflict, topic, actor ORDER BY day ROWS UNBOUNDED PRECEDING)
)
SELECT conflict, topic, actor, day, voices, position, position_before, day_before,
       top_statement_id AS day_statement_id, top_holder AS day_holder, top_score AS day_score,
       top_evidence AS day_evidence
FROM stored
UNION ALL
SELECT conflict, topic, actor, day, voices, position,
       lag(position) OVER seq, lag(day) OVER seq,
       top_statement_id, top_holder, top_score, top_evidence
FROM computed
WINDOW seq AS (PARTITION BY conflict, topic, actor ORDER BY day);

-- shifts_at(half_life_days, min_level, min_move, key): days when a country's (or holder's) position
-- changes sign with both sides at least min_level from zero, or moves by at least min_move.
-- before_* is the strongest statement of the previous day with voices, after_* that of the day of
-- the shift.
CREATE OR REPLACE MACRO shifts_at(half_life_days, min_level, min_move, key) AS TABLE
WITH moved AS (
    SELECT *
    FROM position_path(half_life_days, key)
    WHERE position_before IS NOT NULL AND position IS NOT NULL
      AND ((sign(position) <> sign(position_before)
            AND abs(position) >= min_level AND abs(position_before) >= min_level)
           OR abs(position - position_before) >= min_move)
)
SELECT
    m.conflict, m.topic, m.actor, m.day,
    round(m.position_before, 4) AS position_before,
    round(m.position, 4)        AS position_after,
    round(m.position - m.position_before, 4) AS change,
    CASE WHEN sign(m.position) <> sign(m.position_before)
              AND abs(m.position) >= min_level AND abs(m.position_before) >= min_level
         THEN 'sign_change' ELSE 'sharp_move' END AS kind,
    m.day_before,
    b.top_statement_id AS before_statement_id, b.top_holder AS before_holder,
    b.top_score AS before_score, b.top_evidence AS before_evidence,
    m.day_statement_id AS after_statement_id, m.day_holder AS after_holder, m.day_score AS after_score,
    m.day_evidence AS after_evidence
FROM moved m
LEFT JOIN series_daily b
       ON b.per = key AND b.conflict = m.conflict AND b.topic = m.topic AND b.actor = m.actor
      AND b.day = m.day_before;

-- shifts: country shifts with the configured half-life and thresholds (series_settings).
CREATE OR REPLACE VIEW shifts AS
SELECT conflict, topic, actor, day, position_before, position_after, change, kind,
       day_before, before_statement_id, before_holder, before_score, before_evidence,
       after_statement_id, after_holder, after_score, after_evidence
FROM shifts_at((SELECT value FROM series_settings WHERE name = 'half_life_days'),
               (SELECT value FROM series_settings WHERE name = 'shift_min_level'),
               (SELECT value FROM series_settings WHERE name = 'shift_min_move'),
               'country');
