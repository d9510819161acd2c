-- Insert the rows of a batch (an Arrow table registered as _batch) into statements, by column name.
INSERT INTO statements BY NAME SELECT * FROM _batch;
