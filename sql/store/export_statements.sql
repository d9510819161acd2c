-- The statements for export_parquet, with the month partition (YYYY-MM, or 'undated').
SELECT *, coalesce(strftime(published_at, '%Y-%m'), 'undated') AS month FROM statements ORDER BY published_at;
