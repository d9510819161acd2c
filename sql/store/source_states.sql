-- The polling state of the given feeds.
SELECT source_id, etag, last_modified, failures, next_poll_at, last_status
FROM sources
WHERE source_id IN (SELECT k FROM _ids);
