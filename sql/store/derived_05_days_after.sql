-- Step 5: add the days of the recomputed voices (a story's first statement may have moved).
INSERT INTO _ddays
SELECT DISTINCT day FROM voices
WHERE story_id IN (SELECT story_id FROM _dstories) AND day IS NOT NULL
  AND day NOT IN (SELECT day FROM _ddays);

-- And the empty table that step 6 fills, typed like the series tables' columns.
CREATE OR REPLACE TEMP TABLE _dnew AS
SELECT CAST(NULL AS VARCHAR) AS per, day, conflict, topic, actor, statements, stories, sources, voices,
       voice_statements, support_voices, oppose_voices, sum_cs, sum_c, holder_name, holder_country,
       name_key, last_published_at, top_key, top_statement_id, top_score, top_holder, top_evidence,
       top_published_at
FROM series_country_daily
LIMIT 0;
