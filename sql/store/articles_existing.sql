-- The content hash of each of the given article ids that is already stored.
SELECT article_id, content_hash FROM articles WHERE article_id IN (SELECT k FROM _ids);
