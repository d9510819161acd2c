-- Replace the actors reference table with the gazetteer's rows (registered as _reference_batch).
DELETE FROM actors;
INSERT INTO actors BY NAME SELECT * FROM _reference_batch;
