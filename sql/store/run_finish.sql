-- Close a run in the journal with its status and counts (every counter, by name, in counts).
UPDATE runs SET finished_at = $now, status = $status, articles_seen = $seen, articles_stored = $stored,
    articles_updated = $updated, articles_unchanged = $unchanged, articles_skipped = $skipped,
    statements_stored = $statements, errors = $errors, counts = $counts, message = $message
WHERE run_id = $run_id;
