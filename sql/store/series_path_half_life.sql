-- The half-life the running positions were last computed with.
INSERT OR REPLACE INTO series_settings VALUES ('path_half_life_days', $h);
