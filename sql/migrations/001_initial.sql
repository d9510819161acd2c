-- 001: the initial schema. Timestamps are TIMESTAMP holding UTC (no session time zone can shift a
-- day boundary). Applied once, in a transaction, by tracker.store; recorded in schema_migrations.

CREATE TABLE meta (
    key         VARCHAR PRIMARY KEY,
    value       VARCHAR
);

-- The configured defaults of the series views (half-life, window, shift thresholds), written by the
-- tool from its settings so that views opened in the duckdb CLI use the same numbers as the API.
CREATE TABLE series_settings (
    name        VARCHAR PRIMARY KEY,
    value       DOUBLE NOT NULL
);

-- Feeds, sites and local folders the tool reads, with their polling state.
CREATE TABLE sources (
    source_id       VARCHAR PRIMARY KEY,      -- 'feed:<hash of url>' or 'file:<path>'
    kind            VARCHAR NOT NULL,         -- feed | site | file
    url             VARCHAR,
    name            VARCHAR,
    domain          VARCHAR,
    language        VARCHAR,
    poll_interval_s INTEGER,
    etag            VARCHAR,
    last_modified   VARCHAR,
    last_polled_at  TIMESTAMP,
    last_success_at TIMESTAMP,
    next_poll_at    TIMESTAMP,
    last_status     VARCHAR,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR,
    added_at        TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP)
);

CREATE TABLE articles (
    article_id      VARCHAR PRIMARY KEY,      -- hash of the canonical URL, else of the text
    url             VARCHAR,
    source          VARCHAR,                  -- the outlet (domain)
    feed_id         VARCHAR,
    title           VARCHAR,
    published_at    TIMESTAMP,                -- UTC
    fetched_at      TIMESTAMP,                -- UTC
    language        VARCHAR,
    text            VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,
    story_id        VARCHAR NOT NULL,         -- article_id of the first article of its near-duplicate group
    minhash         UBIGINT[],                -- MinHash signature of the text (near-duplicate detection)
    word_count      INTEGER,
    scorer_version  VARCHAR,
    statement_count INTEGER NOT NULL DEFAULT 0,
    stored_at       TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP)
);

-- MinHash LSH buckets of article texts: how near-duplicate stories are found without a full scan.
CREATE TABLE article_bands (
    band        SMALLINT NOT NULL,
    bucket      UBIGINT NOT NULL,
    day         DATE,                         -- publication day: candidates are looked up near it
    article_id  VARCHAR NOT NULL
);

-- One row per (article, sentence, holder, topic): the SPEC's stance statement.
CREATE TABLE statements (
    statement_id    VARCHAR NOT NULL,
    article_id      VARCHAR NOT NULL,
    story_id        VARCHAR NOT NULL,
    published_at    TIMESTAMP,
    source          VARCHAR,
    holder_id       VARCHAR NOT NULL,
    holder_name     VARCHAR NOT NULL,
    holder_kind     VARCHAR NOT NULL,         -- person | state | org | group
    country         VARCHAR,                  -- ISO3, organisation code, or NULL for an armed group
    role            VARCHAR,
    conflict        VARCHAR NOT NULL,
    topic           VARCHAR NOT NULL,         -- ceasefire | peacekeeping
    polarity        VARCHAR NOT NULL,         -- support | oppose
    modality        VARCHAR NOT NULL,         -- firm | conditional | hedged
    score           DOUBLE NOT NULL,          -- [-1, 1]
    confidence      DOUBLE NOT NULL,          -- [0, 1]
    attribution     VARCHAR NOT NULL,         -- direct_quote | indirect | reported | inferred
    tone            DOUBLE,                   -- VADER compound of the holder's clause
    cue             VARCHAR,
    evidence        VARCHAR NOT NULL,
    char_start      INTEGER NOT NULL,
    char_end        INTEGER NOT NULL,
    cameo           VARCHAR,
    plover          VARCHAR,
    scorer_version  VARCHAR NOT NULL
);

-- The gazetteer, loaded from tracker/data/gazetteer (plus the user's files) so SQL can join it.
CREATE TABLE actors (
    actor_id    VARCHAR PRIMARY KEY,          -- person:..., state:ISO3, org:CODE, group:slug
    kind        VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    code        VARCHAR,                      -- ISO3 or organisation code
    aliases     VARCHAR[],
    gender      VARCHAR
);

CREATE TABLE actor_roles (
    person_id   VARCHAR NOT NULL,
    body        VARCHAR NOT NULL,             -- ISO3 or organisation id
    country     VARCHAR,                      -- what statements carry: ISO3, org code, NULL for a group
    role        VARCHAR NOT NULL,
    titles      VARCHAR[],
    start_date  DATE NOT NULL,
    end_date    DATE                          -- exclusive; NULL while in office
);

CREATE TABLE conflicts (
    conflict_id VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    parties     VARCHAR[],
    since       DATE,
    until       DATE,
    keywords    VARCHAR[]
);

-- One row per job run, with what it did.
CREATE SEQUENCE runs_seq;
CREATE TABLE runs (
    run_id       BIGINT PRIMARY KEY DEFAULT nextval('runs_seq'),
    job          VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,            -- running | ok | partial | failed | interrupted
    articles_seen     INTEGER DEFAULT 0,
    articles_stored   INTEGER DEFAULT 0,
    articles_updated  INTEGER DEFAULT 0,
    articles_unchanged INTEGER DEFAULT 0,
    articles_skipped  INTEGER DEFAULT 0,
    statements_stored INTEGER DEFAULT 0,
    errors       INTEGER DEFAULT 0,
    counts       JSON,                        -- every counter of the run, by name
    message      VARCHAR
);

-- Items a run skipped, with the reason: nothing disappears without a trace.
CREATE TABLE skipped (
    run_id      BIGINT,
    skipped_at  TIMESTAMP NOT NULL,
    item        VARCHAR NOT NULL,             -- URL or path (with line number for JSONL)
    reason      VARCHAR NOT NULL,             -- short code: not_english, empty_text, bad_json, ...
    detail      VARCHAR
);
