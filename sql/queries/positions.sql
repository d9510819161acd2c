-- name: positions
-- summary: Where each country (or holder) stands on each conflict and topic: the latest state of each conflict and topic, from its recent statements with an exponential decay.
-- param: as_of DATE = NULL                     -- the last day to look at; each conflict and topic is seen from its newest day with statements up to it (NULL: no limit)
-- param: half_life_days DOUBLE = @half_life_days  -- a statement's weight halves every this many days
-- param: window_days INTEGER = @window_days    -- statements this many days older than the row's as_of are ignored
-- param: by VARCHAR = 'country'                -- 'country' or 'holder'
-- param: conflict VARCHAR = NULL               -- keep one conflict (e.g. 'russia-ukraine')
-- param: topic VARCHAR = NULL                  -- 'ceasefire' or 'peacekeeping'
-- param: actor VARCHAR = NULL                  -- keep one country code or holder id
-- columns: conflict, topic, actor, actor_name, actor_country, position, stance, weight, voices, statements, days, support_voices, oppose_voices, last_statement_at, top_statement_id, top_published_at, top_holder, top_score, top_evidence, as_of, window_start
SELECT *
FROM positions_at($as_of, $half_life_days, $window_days, $by)
WHERE ($conflict IS NULL OR conflict = $conflict)
  AND ($topic IS NULL OR topic = $topic)
  AND ($actor IS NULL OR actor = $actor)
ORDER BY conflict, topic, position DESC, actor;
