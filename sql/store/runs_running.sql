-- Runs still marked running, with the process that started them.
SELECT run_id, pid FROM runs WHERE status = 'running';
