-- Replace the conflicts reference table with the gazetteer's rows (registered as _reference_batch).
DELETE FROM conflicts;
INSERT INTO conflicts BY NAME SELECT * FROM _reference_batch;
