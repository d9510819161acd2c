-- Insert the rows of a batch (an Arrow table registered as _batch) into derived_pending, by column name.
INSERT INTO derived_pending BY NAME SELECT * FROM _batch;
