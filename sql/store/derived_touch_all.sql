-- When the configured half-life changed: every series' running position is recomputed from its first day.
CREATE OR REPLACE TEMP TABLE _dtouched AS
SELECT 'country' AS per, conflict, topic, actor, min(day) AS d0 FROM series_country_daily GROUP BY ALL
UNION ALL
SELECT 'holder' AS per, conflict, topic, actor, min(day) AS d0 FROM series_holder_daily GROUP BY ALL;
