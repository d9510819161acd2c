-- name: timeseries
-- summary: The stance series of one or all countries (or holders) per time bucket: counts, distinct stories and outlets, mean score, strongest statement.
-- param: bucket VARCHAR = '1 day'      -- an interval: '1 day', '7 days', '1 week', '1 month'
-- param: by VARCHAR = 'country'        -- 'country' or 'holder'
-- param: actor VARCHAR = NULL          -- a country code (by country) or a holder id (by holder)
-- param: conflict VARCHAR = NULL
-- param: topic VARCHAR = NULL
-- param: start DATE = NULL             -- first day included
-- param: stop DATE = NULL              -- last day included
-- columns: period, conflict, topic, actor, actor_name, actor_country, statements, voices, stories, sources, support_voices, oppose_voices, mean_score, top_statement_id, top_score, top_holder, top_evidence
SELECT *
FROM series_at($bucket, $by)
WHERE ($actor IS NULL OR actor = $actor)
  AND ($conflict IS NULL OR conflict = $conflict)
  AND ($topic IS NULL OR topic = $topic)
  AND ($start IS NULL OR period >= $start)
  AND ($stop IS NULL OR period <= $stop)
ORDER BY actor, conflict, topic, period;
