-- name: sources
-- summary: The feeds and folders the tool reads, with their polling state, last error and failure count.
-- param: limit INTEGER = 1000
-- columns: source_id, kind, name, url, poll_interval_s, last_polled_at, last_success_at, next_poll_at, last_status, failures, last_error, articles
SELECT s.source_id, s.kind, s.name, s.url, s.poll_interval_s, s.last_polled_at, s.last_success_at, s.next_poll_at,
       s.last_status, s.failures, s.last_error,
       (SELECT count(*) FROM articles a WHERE a.feed_id = s.source_id) AS articles
FROM sources s
ORDER BY s.name
LIMIT $limit;
