-- Every setting the series views read.
SELECT name, value FROM series_settings;
