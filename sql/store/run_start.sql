-- Open a run in the journal; `pid` tells a run still going from one left by a killed process.
INSERT INTO runs (job, started_at, status, pid) VALUES ($job, $now, 'running', $pid) RETURNING run_id;
