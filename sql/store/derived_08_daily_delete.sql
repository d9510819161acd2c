-- Step 8, for each series table ({series} is series_country_daily or series_holder_daily, named by
-- tracker.store, never by input): drop the rows of every touched day.
DELETE FROM {series} WHERE day IN (SELECT day FROM _ddays);
