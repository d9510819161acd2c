-- One row when the store holds a statement by holder $h (a holder id the gazetteer no longer knows).
SELECT 1 FROM statements WHERE holder_id = $h LIMIT 1
