-- 003: the input's own id and URL as given, so an article can be named by the id of the file or
-- corpus it came from (`tracker explain bcn-...`, `tracker evidence --article ...`) and joined back
-- to it. article_id stays the hash of the canonical URL (or the text), which is what keeps a story
-- read from a file and from a feed one article.
ALTER TABLE articles ADD COLUMN input_id VARCHAR;     -- the input record's `id`, NULL when it had none
ALTER TABLE articles ADD COLUMN input_url VARCHAR;    -- the URL as given, before canonicalisation
