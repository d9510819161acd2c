-- Step 2: the days to recompute so far: those written, and those of the stories' current voices.
CREATE OR REPLACE TEMP TABLE _ddays AS
SELECT DISTINCT day FROM (
    SELECT day FROM derived_pending WHERE day IS NOT NULL
    UNION ALL
    SELECT day FROM voices WHERE story_id IN (SELECT story_id FROM _dstories) AND day IS NOT NULL
);
