-- The time of the newest statement (NULL on an empty store): where the report's weeks end.
SELECT max(published_at) AS t FROM statements
