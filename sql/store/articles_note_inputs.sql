-- Fill in the input id and URL of stored articles that have none (stored before migration 003, or
-- first read without an id) from _inputs (article_id, input_id, input_url); a set id is kept.
UPDATE articles
SET input_id = coalesce(articles.input_id, i.input_id),
    input_url = coalesce(articles.input_url, i.input_url)
FROM _inputs i
WHERE articles.article_id = i.article_id
  AND ((articles.input_id IS NULL AND i.input_id IS NOT NULL)
       OR (articles.input_url IS NULL AND i.input_url IS NOT NULL));
