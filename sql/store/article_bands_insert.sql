-- Insert the rows of a batch (an Arrow table registered as _batch) into article_bands, by column name.
INSERT INTO article_bands BY NAME SELECT * FROM _batch;
