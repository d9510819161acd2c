-- Remember a skipped item (positional: run_id, skipped_at, item, reason, detail; run with executemany).
INSERT INTO skipped VALUES (?, ?, ?, ?, ?);
