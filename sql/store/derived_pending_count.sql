-- How many (story, day) pairs wait for the derived tables' refresh.
SELECT count(*) FROM derived_pending;
