-- Step 6: recompute the rows of those days, per country and per holder, into _dnew. Runs once per
-- range of touched days [$lo, $hi) (one range unless the refresh is big, as in a full build), so
-- that memory stays within the limit. The range bounds also let DuckDB skip row groups outside the
-- touched days (statements arrive roughly in publication order).
INSERT INTO _dnew
WITH bounds AS (
    SELECT min(day) AS lo, max(day) + 1 AS hi FROM _ddays
    WHERE day >= CAST($lo AS DATE) AND day < CAST($hi AS DATE)
), pers(per) AS (
    VALUES ('country'), ('holder')
), raw AS (
    SELECT CAST(s.published_at AS DATE) AS day, s.conflict, s.topic, p.per,
           CASE WHEN p.per = 'holder' THEN s.holder_id ELSE s.country END AS actor,
           count(*)                   AS statements,
           count(DISTINCT s.story_id) AS stories,
           count(DISTINCT s.source)   AS sources
    FROM statements s, pers p, bounds b
    WHERE s.published_at >= b.lo AND s.published_at < b.hi
      AND CAST(s.published_at AS DATE) IN (SELECT day FROM _ddays)
      AND (p.per = 'holder' OR s.country IS NOT NULL)
    GROUP BY ALL
), voiced AS (
    SELECT v.day, v.conflict, v.topic, p.per,
           CASE WHEN p.per = 'holder' THEN v.holder_id ELSE v.country END AS actor,
           count(*)                                   AS voices,
           sum(v.statements)                          AS voice_statements,
           count(*) FILTER (WHERE v.score > 0)        AS support_voices,
           count(*) FILTER (WHERE v.score < 0)        AS oppose_voices,
           sum(v.score * v.confidence)                AS sum_cs,
           sum(v.confidence)                          AS sum_c,
           arg_max({'name': v.holder_name, 'country': v.country}, (v.confidence, v.holder_id)) AS named,
           max(v.confidence)                          AS name_key,
           max(v.published_at)                        AS last_published_at,
           max(abs(v.score) * v.confidence)           AS top_key,
           arg_max({'id': v.top_statement_id, 'score': v.top_score, 'holder': v.holder_name,
                    'evidence': v.top_evidence, 'published_at': v.top_published_at},
                   (abs(v.score) * v.confidence, v.top_statement_id)) AS top
    FROM voices v, pers p, bounds b
    WHERE v.day >= b.lo AND v.day < b.hi
      AND v.day IN (SELECT day FROM _ddays)
      AND (p.per = 'holder' OR v.country IS NOT NULL)
    GROUP BY ALL
)
SELECT coalesce(r.per, v.per) AS per,
       coalesce(r.day, v.day) AS day, coalesce(r.conflict, v.conflict) AS conflict,
       coalesce(r.topic, v.topic) AS topic, coalesce(r.actor, v.actor) AS actor,
       coalesce(r.statements, 0) AS statements, coalesce(r.stories, 0) AS stories,
       coalesce(r.sources, 0) AS sources, coalesce(v.voices, 0) AS voices,
       coalesce(v.voice_statements, 0) AS voice_statements,
       coalesce(v.support_voices, 0) AS support_voices, coalesce(v.oppose_voices, 0) AS oppose_voices,
       v.sum_cs, v.sum_c, v.named.name AS holder_name, v.named.country AS holder_country, v.name_key,
       v.last_published_at, v.top_key, v.top.id AS top_statement_id, v.top.score AS top_score,
       v.top.holder AS top_holder, v.top.evidence AS top_evidence, v.top.published_at AS top_published_at
FROM raw r
FULL JOIN voiced v ON r.day = v.day AND r.conflict = v.conflict AND r.topic = v.topic
                  AND r.per = v.per AND r.actor = v.actor;
