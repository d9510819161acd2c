-- Set one value of the store's bookkeeping.
INSERT OR REPLACE INTO meta VALUES ($key, $value);
