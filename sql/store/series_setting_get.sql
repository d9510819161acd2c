-- One setting the series views read (half_life_days, window_days, ...).
SELECT value FROM series_settings WHERE name = $name;
