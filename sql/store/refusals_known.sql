-- Which of the given URLs were refused and are not due for a retry yet.
SELECT url
FROM refusals
WHERE url IN (SELECT k FROM _urls) AND (retry_at IS NULL OR retry_at > $now);
