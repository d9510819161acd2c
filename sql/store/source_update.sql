-- Record a poll: success resets the failure count; an error doubles the wait (capped). The ETag and
-- Last-Modified advance only when $advance is true (the feed's articles are all written). With $soon
-- the feed is due again at once: pages were put off (a full host, the cycle's fetch time used up).
UPDATE sources SET
    last_polled_at  = $now,
    last_status     = $status,
    last_success_at = CASE WHEN $error IS NULL THEN $now ELSE last_success_at END,
    failures        = CASE WHEN $error IS NULL THEN 0 ELSE failures + 1 END,
    last_error      = $error,
    etag            = CASE WHEN $advance THEN coalesce($etag, etag) ELSE etag END,
    last_modified   = CASE WHEN $advance THEN coalesce($last_modified, last_modified) ELSE last_modified END,
    next_poll_at    = CASE WHEN $soon THEN $now ELSE $now + to_seconds(CAST(least($max_backoff,
                          $interval * pow(2, CASE WHEN $error IS NULL THEN 0 ELSE least(failures + 1, 30) END))
                          AS BIGINT)) END
WHERE source_id = $source_id;
