-- The ids of the stored articles of the given months (`tracker load --replace` removes them first).
SELECT article_id FROM articles
WHERE coalesce(strftime(published_at, '%Y-%m'), 'undated') IN (SELECT k FROM _months);
