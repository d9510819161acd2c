-- One page of stored articles, by the ids in _ids, in published order, with what the scorer needs.
SELECT article_id, story_id, url, source, feed_id, title, published_at, language, text
FROM articles
WHERE article_id IN (SELECT k FROM _ids)
ORDER BY published_at, article_id;
