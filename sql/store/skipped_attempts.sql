-- How many times each of the given URLs failed for a reason that may pass.
SELECT item, count(*) AS attempts
FROM skipped
WHERE item IN (SELECT unnest($urls::VARCHAR[])) AND reason IN (SELECT unnest($reasons::VARCHAR[]))
GROUP BY item;
