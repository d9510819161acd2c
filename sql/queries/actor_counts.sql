-- name: actor_counts
-- summary: How much evidence stands behind each country (or holder) per conflict and topic: statements, stories, distinct outlets, first and last day; what the charts and the report print beside a position.
-- param: by VARCHAR = 'country'        -- 'country' or 'holder'
-- param: actor VARCHAR = NULL          -- keep one country code or holder id
-- param: conflict VARCHAR = NULL
-- param: topic VARCHAR = NULL
-- param: start DATE = NULL             -- first day counted (e.g. the start of a position's window)
-- param: stop DATE = NULL              -- last day counted
-- columns: conflict, topic, actor, statements, stories, sources, first_day, last_day
SELECT conflict, topic, actor,
       count(*)                        AS statements,
       count(DISTINCT story_id)        AS stories,
       count(DISTINCT source)          AS sources,
       min(CAST(published_at AS DATE)) AS first_day,
       max(CAST(published_at AS DATE)) AS last_day
FROM (
    SELECT conflict, topic, source, story_id, published_at,
           CASE WHEN $by = 'holder' THEN holder_id ELSE country END AS actor
    FROM statements
    WHERE published_at IS NOT NULL
      AND ($start IS NULL OR CAST(published_at AS DATE) >= $start)
      AND ($stop IS NULL OR CAST(published_at AS DATE) <= $stop)
      AND ($conflict IS NULL OR conflict = $conflict)
      AND ($topic IS NULL OR topic = $topic)
)
WHERE actor IS NOT NULL AND ($actor IS NULL OR actor = $actor)
GROUP BY conflict, topic, actor
ORDER BY actor, conflict, topic;
