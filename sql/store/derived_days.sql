-- The days a refresh touches (_ddays, from derived_02_days_before), in order: cut into runs of days.
SELECT day FROM _ddays ORDER BY day;
