-- How many stored articles each of the given months holds (YYYY-MM of published_at, or 'undated'):
-- `tracker load` tells which months of its input are already in the store.
SELECT coalesce(strftime(published_at, '%Y-%m'), 'undated') AS month, count(*) AS articles
FROM articles
WHERE coalesce(strftime(published_at, '%Y-%m'), 'undated') IN (SELECT k FROM _months)
GROUP BY ALL
ORDER BY month;
