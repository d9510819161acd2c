-- Insert the rows of a batch (an Arrow table registered as _batch) into articles, by column name.
INSERT INTO articles BY NAME SELECT * FROM _batch;
