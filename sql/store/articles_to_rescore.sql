-- Stored articles to score again: all of them, or only those a different scorer version produced.
SELECT article_id, story_id, url, source, feed_id, title, published_at, language, text
FROM articles
WHERE $version IS NULL OR scorer_version IS DISTINCT FROM $version
ORDER BY published_at, article_id;
