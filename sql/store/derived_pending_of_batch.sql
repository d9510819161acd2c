-- List the stories and days of a batch of statements (_batch) for the derived tables' refresh.
INSERT INTO derived_pending SELECT DISTINCT story_id, CAST(published_at AS DATE) FROM _batch;
