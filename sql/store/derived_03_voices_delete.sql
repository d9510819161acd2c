-- Step 3: drop the voices of the stories being recomputed.
DELETE FROM voices WHERE story_id IN (SELECT story_id FROM _dstories);
