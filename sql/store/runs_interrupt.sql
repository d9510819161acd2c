-- Close runs whose process is gone (killed, or the machine stopped) as interrupted.
UPDATE runs SET status = 'interrupted', finished_at = $now,
    message = 'closed on start: the process that ran it had stopped'
WHERE run_id IN (SELECT CAST(k AS BIGINT) FROM _ids) AND status = 'running';
