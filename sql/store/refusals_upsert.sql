-- Remember a refused page: a new refusal, or one more for a URL refused before (retried and refused again).
INSERT INTO refusals (url, item, reason, detail, first_at, last_at, refusals, retry_at)
VALUES ($url, $item, $reason, $detail, $now, $now, 1, $retry_at)
ON CONFLICT (url) DO UPDATE SET
    item = excluded.item, reason = excluded.reason, detail = excluded.detail, last_at = excluded.last_at,
    refusals = refusals.refusals + 1, retry_at = excluded.retry_at;
