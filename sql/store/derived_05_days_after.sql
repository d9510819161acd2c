-- Step 5: add the days of the recomputed voices (a story's first statement may have moved).
INSERT INTO _ddays
SELECT DISTINCT day FROM voices
WHERE story_id IN (SELECT story_id FROM _dstories) AND day IS NOT NULL
  AND day NOT IN (SELECT day FROM _ddays);
