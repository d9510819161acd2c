-- Remove the rows of the given articles from statements (an article replaced by a new version).
DELETE FROM statements WHERE article_id IN (SELECT k FROM _ids);
