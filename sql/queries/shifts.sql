-- name: shifts
-- summary: Days when a country's (or holder's) position changed sign or moved sharply, with the statements before and after.
-- param: half_life_days DOUBLE = @half_life_days
-- param: min_level DOUBLE = @shift_min_level   -- both sides of a sign change must be this far from zero
-- param: min_move DOUBLE = @shift_min_move     -- or the position must move at least this much
-- param: by VARCHAR = 'country'                -- 'country' or 'holder'
-- param: actor VARCHAR = NULL
-- param: conflict VARCHAR = NULL
-- param: topic VARCHAR = NULL
-- columns: conflict, topic, actor, day, position_before, position_after, change, kind, day_before, before_statement_id, before_holder, before_score, before_evidence, after_statement_id, after_holder, after_score, after_evidence
SELECT *
FROM shifts_at($half_life_days, $min_level, $min_move, $by)
WHERE ($actor IS NULL OR actor = $actor)
  AND ($conflict IS NULL OR conflict = $conflict)
  AND ($topic IS NULL OR topic = $topic)
ORDER BY day DESC, conflict, topic, actor;
