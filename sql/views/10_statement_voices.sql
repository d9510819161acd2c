-- statement_voices: one row per (story, holder, conflict, topic), read from the derived table
-- `voices` (see sql/migrations/002). Syndicated copies and near-duplicate rewrites of one story
-- share a story_id, so each holder speaks once per story no matter how many outlets carried it.
-- Its score is the confidence-weighted mean of the holder's statements in that story;
-- top_statement_id is the one that weighs most (the evidence to show).
CREATE OR REPLACE VIEW statement_voices AS
SELECT story_id, holder_id, conflict, topic, holder_name, holder_kind, country, published_at, day,
       score, confidence, statements, sources, top_statement_id, top_score, top_evidence, top_published_at
FROM voices;
