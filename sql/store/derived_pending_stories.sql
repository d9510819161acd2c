-- How many stories wait for the derived tables' refresh (a big refresh goes in parts).
SELECT count(DISTINCT story_id) FROM derived_pending;
