-- name: evidence
-- summary: The statements behind any figure: filter by country, holder, topic, conflict and days; newest first, with the article.
-- param: country VARCHAR = NULL
-- param: holder VARCHAR = NULL         -- a holder id, e.g. 'person:keir-starmer' or 'state:RUS'
-- param: topic VARCHAR = NULL
-- param: conflict VARCHAR = NULL
-- param: day DATE = NULL               -- one UTC day
-- param: start DATE = NULL
-- param: stop DATE = NULL
-- param: statement_id VARCHAR = NULL
-- param: story_id VARCHAR = NULL
-- param: article VARCHAR = NULL         -- one article: its article_id, its input's id (input_id) or its URL
-- param: limit INTEGER = 1000
-- columns: statement_id, published_at, source, holder_id, holder_name, holder_kind, country, role, conflict, topic, polarity, modality, score, confidence, attribution, tone, cue, evidence, char_start, char_end, cameo, plover, scorer_version, article_id, story_id, url, title, input_id
SELECT s.statement_id, s.published_at, s.source, s.holder_id, s.holder_name, s.holder_kind, s.country, s.role,
       s.conflict, s.topic, s.polarity, s.modality, s.score, s.confidence, s.attribution, s.tone, s.cue,
       s.evidence, s.char_start, s.char_end, s.cameo, s.plover, s.scorer_version, s.article_id, s.story_id,
       a.url, a.title, a.input_id
FROM statements s
LEFT JOIN articles a USING (article_id)
WHERE ($country IS NULL OR s.country = $country)
  AND ($holder IS NULL OR s.holder_id = $holder)
  AND ($topic IS NULL OR s.topic = $topic)
  AND ($conflict IS NULL OR s.conflict = $conflict)
  AND ($day IS NULL OR CAST(s.published_at AS DATE) = $day)
  AND ($start IS NULL OR CAST(s.published_at AS DATE) >= $start)
  AND ($stop IS NULL OR CAST(s.published_at AS DATE) <= $stop)
  AND ($statement_id IS NULL OR s.statement_id = $statement_id)
  AND ($story_id IS NULL OR s.story_id = $story_id)
  AND ($article IS NULL OR s.article_id = $article OR a.input_id = $article OR a.url = $article
       OR a.input_url = $article)
ORDER BY s.published_at DESC, s.article_id, s.char_start, s.holder_id
LIMIT $limit;
