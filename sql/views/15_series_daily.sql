-- series_daily: both daily series tables in one relation, with per = 'country' or 'holder'. A filter
-- on per reaches only the table it names.
CREATE OR REPLACE VIEW series_daily AS
SELECT 'country' AS per, * FROM series_country_daily
UNION ALL
SELECT 'holder' AS per, * FROM series_holder_daily;
