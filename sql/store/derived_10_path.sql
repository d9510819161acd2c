-- Step 10, for each series table and for the days $lo..$hi (tracker.store walks the touched days in
-- chunks of at most 500 half-lives, so that no factor below leaves the range of a DOUBLE): the
-- running decayed sums of every touched series from its first touched day on, at half-life $h days.
--   run_cs(d) = sum over the series' days d' <= d of 2 ** (-(d - d') / $h) * sum_cs(d'), likewise
--   run_c; a chunk starts from the last row before it (base) and adds its own days anchored at its
--   first day. position = run_cs / run_c; position_before and day_before are the previous row's.
UPDATE {series} AS t
SET run_cs = p.run_cs, run_c = p.run_c, position = p.run_cs / nullif(p.run_c, 0),
    position_before = p.position_before, day_before = p.day_before
FROM (
    WITH touched AS (
        SELECT conflict, topic, actor, greatest(d0, CAST($lo AS DATE)) AS a
        FROM _dtouched
        WHERE per = $per AND d0 <= CAST($hi AS DATE)
    ), chunk AS (
        SELECT t.conflict, t.topic, t.actor, t.day, t.sum_cs, t.sum_c, u.a
        FROM {series} t JOIN touched u USING (conflict, topic, actor)
        WHERE t.voices > 0 AND t.day >= u.a AND t.day <= CAST($hi AS DATE)
    ), base AS (
        SELECT t.conflict, t.topic, t.actor,
               arg_max({'day': t.day, 'run_cs': t.run_cs, 'run_c': t.run_c, 'position': t.position}, t.day) AS b
        FROM {series} t JOIN touched u USING (conflict, topic, actor)
        WHERE t.voices > 0 AND t.day < u.a
        GROUP BY ALL
    ), running AS (
        SELECT c.conflict, c.topic, c.actor, c.day,
               pow(2.0, -(c.day - c.a) / CAST($h AS DOUBLE))
                 * sum(c.sum_cs * pow(2.0, (c.day - c.a) / CAST($h AS DOUBLE))) OVER w
                 + coalesce(b.b.run_cs * pow(2.0, -(c.day - b.b.day) / CAST($h AS DOUBLE)), 0) AS run_cs,
               pow(2.0, -(c.day - c.a) / CAST($h AS DOUBLE))
                 * sum(c.sum_c * pow(2.0, (c.day - c.a) / CAST($h AS DOUBLE))) OVER w
                 + coalesce(b.b.run_c * pow(2.0, -(c.day - b.b.day) / CAST($h AS DOUBLE)), 0) AS run_c,
               b.b.day AS base_day,
               b.b.position AS base_position
        FROM chunk c LEFT JOIN base b ON b.conflict = c.conflict AND b.topic = c.topic AND b.actor = c.actor
        WINDOW w AS (PARTITION BY c.conflict, c.topic, c.actor ORDER BY c.day ROWS UNBOUNDED PRECEDING)
    )
    SELECT conflict, topic, actor, day, run_cs, run_c,
           coalesce(lag(run_cs / nullif(run_c, 0)) OVER s, base_position) AS position_before,
           coalesce(lag(day) OVER s, base_day) AS day_before
    FROM running
    WINDOW s AS (PARTITION BY conflict, topic, actor ORDER BY day)
) AS p
WHERE t.conflict = p.conflict AND t.topic = p.topic AND t.actor = p.actor AND t.day = p.day;
