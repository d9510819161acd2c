-- Before the statements of the given articles are deleted (an article replaced or rescored): list
-- their stories and days for the derived tables' refresh.
INSERT INTO derived_pending
SELECT DISTINCT story_id, CAST(published_at AS DATE) FROM statements WHERE article_id IN (SELECT k FROM _ids);
