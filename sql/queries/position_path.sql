-- name: position_path
-- summary: The running position of one or all countries (or holders) after each day with statements, with that day's strongest statement: what the stance charts draw.
-- param: half_life_days DOUBLE = @half_life_days
-- param: by VARCHAR = 'country'          -- 'country' or 'holder'
-- param: actor VARCHAR = NULL
-- param: conflict VARCHAR = NULL
-- param: topic VARCHAR = NULL
-- param: start DATE = NULL
-- param: stop DATE = NULL
-- columns: conflict, topic, actor, day, voices, position, day_statement_id, holder_name, evidence
SELECT p.conflict, p.topic, p.actor, p.day, p.voices, round(p.position, 4) AS position, p.day_statement_id,
       p.day_holder AS holder_name, p.day_evidence AS evidence
FROM position_path($half_life_days, $by) p
WHERE ($actor IS NULL OR p.actor = $actor)
  AND ($conflict IS NULL OR p.conflict = $conflict)
  AND ($topic IS NULL OR p.topic = $topic)
  AND ($start IS NULL OR p.day >= $start)
  AND ($stop IS NULL OR p.day <= $stop)
ORDER BY p.actor, p.conflict, p.topic, p.day;
