-- Step 9, for each series table: insert the recomputed rows ($per: 'country' or 'holder'); their
-- running positions are filled by step 10. Rows go in by day, so a filter on days skips row groups.
INSERT INTO {series}
SELECT day, conflict, topic, actor, statements, stories, sources, voices, voice_statements,
       support_voices, oppose_voices, sum_cs, sum_c, holder_name, holder_country, name_key,
       last_published_at, top_key, top_statement_id, top_score, top_holder, top_evidence,
       top_published_at, NULL, NULL, NULL, NULL, NULL
FROM _dnew
WHERE per = $per
ORDER BY day, actor;
