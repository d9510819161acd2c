-- Step 3: drop the voices of the stories being recomputed ($part of $parts, as in step 4).
DELETE FROM voices WHERE story_id IN (SELECT story_id FROM _dstories WHERE hash(story_id) % $parts = $part);
