-- Refresh of the derived tables, step 1: the stories to recompute, and the days they touched
-- before (their current voices) and as written (derived_pending). Runs in one transaction with the
-- other derived_* steps, in the order tracker.store.DERIVED_STEPS lists them.
CREATE OR REPLACE TEMP TABLE _dstories AS
SELECT DISTINCT story_id FROM derived_pending WHERE story_id IS NOT NULL;
