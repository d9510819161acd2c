-- Remove the rows of the given articles from article_bands (an article replaced by a new version).
DELETE FROM article_bands WHERE article_id IN (SELECT k FROM _ids);
