-- name: runs
-- summary: The most recent job runs with what each did.
-- param: limit INTEGER = 20
-- columns: run_id, job, started_at, finished_at, status, articles_seen, articles_stored, articles_updated, articles_unchanged, articles_skipped, statements_stored, errors, message
SELECT run_id, job, started_at, finished_at, status, articles_seen, articles_stored, articles_updated,
       articles_unchanged, articles_skipped, statements_stored, errors, message
FROM runs
ORDER BY run_id DESC
LIMIT $limit;
