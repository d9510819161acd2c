-- One value of the store's bookkeeping (views_digest, reference_digest).
SELECT value FROM meta WHERE key = $key;
