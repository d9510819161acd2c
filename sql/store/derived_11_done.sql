-- Step 11: nothing is pending any more.
DELETE FROM derived_pending;
