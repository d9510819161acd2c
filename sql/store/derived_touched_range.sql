-- The days the running positions must be recomputed over: from the first touched day to the last day.
SELECT (SELECT min(d0) FROM _dtouched),
       greatest((SELECT max(day) FROM series_country_daily), (SELECT max(day) FROM series_holder_daily));
