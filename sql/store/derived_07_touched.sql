-- Step 7: the series whose running positions must be recomputed, from which day: every series with
-- a row on a touched day, before (rows about to be replaced) or after (rows recomputed).
CREATE OR REPLACE TEMP TABLE _dtouched AS
SELECT per, conflict, topic, actor, min(day) AS d0
FROM (
    SELECT 'country' AS per, conflict, topic, actor, day FROM series_country_daily
    WHERE day IN (SELECT day FROM _ddays)
    UNION ALL
    SELECT 'holder' AS per, conflict, topic, actor, day FROM series_holder_daily
    WHERE day IN (SELECT day FROM _ddays)
    UNION ALL
    SELECT per, conflict, topic, actor, day FROM _dnew
)
GROUP BY ALL;
