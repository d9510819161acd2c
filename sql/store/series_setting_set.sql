-- Set one setting the series views read (positional: name, value; run with executemany).
INSERT OR REPLACE INTO series_settings VALUES (?, ?);
