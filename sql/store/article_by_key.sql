-- One stored article named by its article_id, its input_id, its canonical URL ($url) or its URL as
-- given; an exact article_id wins over the other keys.
SELECT article_id, input_id, url, source, title, published_at, language, feed_id, text
FROM articles
WHERE article_id = $key OR input_id = $key OR url = $url OR input_url = $key
ORDER BY (article_id = $key) DESC, (input_id = $key) DESC, published_at, article_id
LIMIT 1;
