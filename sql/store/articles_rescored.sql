-- After a rescore: record the scorer version and the new statement count of each article in _counts.
UPDATE articles SET scorer_version = $version, statement_count = c.n
FROM _counts c
WHERE articles.article_id = c.article_id;
