-- Before a big refresh replaces voices in several transactions: keep the days the stories' current
-- voices stand on in derived_pending, so that if the process dies half-way the next refresh still
-- recomputes those days (the voices that would have named them are gone by then).
INSERT INTO derived_pending
SELECT story_id, day FROM voices
WHERE story_id IN (SELECT story_id FROM _dstories) AND day IS NOT NULL;
