-- 004: pages refused for good (or for a while) are remembered per URL, so a feed read again does not
-- fetch them again nor add a `skipped` row each cycle; runs carry the process id, so a run left
-- `running` by a killed process can be told from one still going and closed as `interrupted`.
CREATE TABLE refusals (
    url         VARCHAR PRIMARY KEY,          -- canonical URL (what feed entries are matched on)
    item        VARCHAR NOT NULL,             -- the URL as the feed gave it
    reason      VARCHAR NOT NULL,             -- the last reason: not_english, too_large, http_404, ...
    detail      VARCHAR,
    first_at    TIMESTAMP NOT NULL,
    last_at     TIMESTAMP NOT NULL,
    refusals    INTEGER NOT NULL DEFAULT 1,   -- how many times it was fetched and refused
    retry_at    TIMESTAMP                     -- when it may be fetched again; NULL: never
);
ALTER TABLE runs ADD COLUMN pid INTEGER;
