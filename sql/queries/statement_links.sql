-- name: statement_links
-- summary: The article behind each of a list of statements (its URL, title, outlet and date), so a printed sentence can link to its source.
-- param: ids LIST = NULL               -- statement ids (a list of strings)
-- columns: statement_id, article_id, url, title, source, published_at
SELECT s.statement_id, s.article_id, a.url, a.title, s.source, s.published_at
FROM statements s
LEFT JOIN articles a USING (article_id)
WHERE list_contains(CAST($ids AS VARCHAR[]), s.statement_id)
ORDER BY s.statement_id;
