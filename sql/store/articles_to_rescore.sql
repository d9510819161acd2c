-- The ids of stored articles to score again: all of them, or only those a different scorer version
-- produced. Only ids: the rescore reads the articles page by page (articles_by_ids), because a result
-- streamed from this connection would be ended by the writes in between.
SELECT article_id
FROM articles
WHERE $version IS NULL OR scorer_version IS DISTINCT FROM $version
ORDER BY published_at, article_id;
