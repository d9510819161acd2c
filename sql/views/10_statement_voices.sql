-- statement_voices: one row per (story, holder, conflict, topic). Syndicated copies and
-- near-duplicate rewrites of one story share a story_id, so each holder speaks once per story no
-- matter how many outlets carried it. Its score is the confidence-weighted mean of the holder's
-- statements in that story; top_statement_id is the one that weighs most (the evidence to show).
CREATE OR REPLACE VIEW statement_voices AS
SELECT
    story_id,
    holder_id,
    conflict,
    topic,
    arg_max(holder_name, confidence)                          AS holder_name,
    arg_max(holder_kind, confidence)                          AS holder_kind,
    arg_max(country, confidence)                              AS country,
    min(published_at)                                         AS published_at,
    CAST(min(published_at) AS DATE)                           AS day,
    sum(score * confidence) / nullif(sum(confidence), 0)      AS score,
    max(confidence)                                           AS confidence,
    count(*)                                                  AS statements,
    count(DISTINCT source)                                    AS sources,
    arg_max(statement_id, abs(score) * confidence)            AS top_statement_id
FROM statements
WHERE published_at IS NOT NULL
GROUP BY story_id, holder_id, conflict, topic;
