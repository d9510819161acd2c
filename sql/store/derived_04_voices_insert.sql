-- Step 4: recompute those stories' voices from their statements. A voice's score is the
-- confidence-weighted mean of the holder's statements in the story; its top statement is the one
-- with the largest abs(score) * confidence (ties: the largest statement id, so reruns agree).
-- Runs once per part ($part of $parts, by a hash of the story id), so that a big refresh (a full
-- build, a rescore of everything) stays within the memory limit; a story is wholly in one part.
INSERT INTO voices
SELECT story_id, holder_id, conflict, topic,
       top.holder_name, top.holder_kind, top.country,
       published_at, CAST(published_at AS DATE), score, confidence, statements, sources,
       top.statement_id, top.score, top.evidence, top.published_at
FROM (
    SELECT story_id, holder_id, conflict, topic,
           min(published_at)                                      AS published_at,
           sum(score * confidence) / nullif(sum(confidence), 0)   AS score,
           max(confidence)                                        AS confidence,
           count(*)                                               AS statements,
           count(DISTINCT source)                                 AS sources,
           arg_max({'statement_id': statement_id, 'score': score, 'evidence': evidence,
                    'published_at': published_at, 'holder_name': holder_name,
                    'holder_kind': holder_kind, 'country': country},
                   (abs(score) * confidence, statement_id))  AS top
    FROM statements
    WHERE story_id IN (SELECT story_id FROM _dstories WHERE hash(story_id) % $parts = $part)
      AND published_at IS NOT NULL
    GROUP BY story_id, holder_id, conflict, topic
);
