-- Near-duplicate candidates for a batch: stored articles sharing a MinHash band bucket with any
-- article of the batch, published within the batch's days widened by the dedup window ($lo..$hi),
-- plus undated ones when the batch has undated articles. One query per batch, not per article.
SELECT b.bucket, b.article_id, a.story_id, a.minhash, b.day
FROM article_bands b
JOIN articles a USING (article_id)
WHERE b.bucket IN (SELECT k FROM _buckets)
  AND ((b.day BETWEEN $lo AND $hi) OR ($undated AND b.day IS NULL));
