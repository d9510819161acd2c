-- Remove the rows of the given articles from articles (an article replaced by a new version).
DELETE FROM articles WHERE article_id IN (SELECT k FROM _ids);
