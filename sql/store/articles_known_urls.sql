-- Which of the given canonical URLs are already stored.
SELECT url FROM articles WHERE url IN (SELECT k FROM _urls);
