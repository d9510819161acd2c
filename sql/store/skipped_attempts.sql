-- How many times each of the given URLs failed for a reason that may pass.
SELECT item, count(*) AS attempts
FROM skipped
WHERE item IN (SELECT k FROM _urls) AND reason IN (SELECT k FROM _reasons)
GROUP BY item;
