-- 002: derived tables behind the series views, so that positions, time series and shifts stay
-- interactive at tens of millions of statements. They hold nothing that is not in `statements`:
-- tracker.store keeps them exact by recomputing, after every write session, the stories and days
-- that the session touched (listed in derived_pending in the same transaction as the write).

-- One row per (story, holder, conflict, topic): a holder's voice in one story. Syndicated copies and
-- near-duplicate rewrites share a story id, so each holder speaks once per story however many
-- outlets carried it. top_* is the holder's statement in the story that weighs most.
CREATE TABLE voices (
    story_id         VARCHAR NOT NULL,
    holder_id        VARCHAR NOT NULL,
    conflict         VARCHAR NOT NULL,
    topic            VARCHAR NOT NULL,
    holder_name      VARCHAR,
    holder_kind      VARCHAR,
    country          VARCHAR,
    published_at     TIMESTAMP,                -- the voice's first statement (UTC)
    day              DATE,
    score            DOUBLE,                   -- confidence-weighted mean of the holder's statements in the story
    confidence       DOUBLE,                   -- the highest of them
    statements       INTEGER,
    sources          INTEGER,
    top_statement_id VARCHAR,
    top_score        DOUBLE,
    top_evidence     VARCHAR,
    top_published_at TIMESTAMP
);

-- One row per (day, conflict, topic, actor): series_country_daily per country (actor is the country
-- code), series_holder_daily per holder (actor is the holder id). Counts of statements, stories and
-- outlets are by the day of each statement; the voice columns by the day of each voice. sum_cs /
-- sum_c is the day's confidence-weighted mean score; decayed positions are sums of these per day.
-- run_cs / run_c is the running decayed sum up to that day at the configured half-life
-- (series_settings.path_half_life_days): position is the running position, position_before and
-- day_before those of the series' previous day with voices. Rows with no voices have no position.
CREATE TABLE series_country_daily (
    day               DATE NOT NULL,
    conflict          VARCHAR NOT NULL,
    topic             VARCHAR NOT NULL,
    actor             VARCHAR NOT NULL,
    statements        INTEGER NOT NULL,
    stories           INTEGER NOT NULL,
    sources           INTEGER NOT NULL,
    voices            INTEGER NOT NULL,
    voice_statements  INTEGER NOT NULL,
    support_voices    INTEGER NOT NULL,
    oppose_voices     INTEGER NOT NULL,
    sum_cs            DOUBLE,                  -- sum of confidence * score over the day's voices
    sum_c             DOUBLE,                  -- sum of confidence
    holder_name       VARCHAR,                 -- of the day's most confident voice
    holder_country    VARCHAR,
    name_key          DOUBLE,                  -- that voice's confidence (to pick across days)
    last_published_at TIMESTAMP,
    top_key           DOUBLE,                  -- abs(score) * confidence of the day's strongest voice
    top_statement_id  VARCHAR,
    top_score         DOUBLE,
    top_holder        VARCHAR,
    top_evidence      VARCHAR,
    top_published_at  TIMESTAMP,
    run_cs            DOUBLE,
    run_c             DOUBLE,
    position          DOUBLE,
    position_before   DOUBLE,
    day_before        DATE
);

CREATE TABLE series_holder_daily AS SELECT * FROM series_country_daily LIMIT 0;

-- Stories and days whose derived rows must be recomputed (written with the statements that changed).
CREATE TABLE derived_pending (
    story_id    VARCHAR,
    day         DATE
);

INSERT INTO derived_pending SELECT DISTINCT story_id, CAST(published_at AS DATE) FROM statements;
