-- Replace the actor_roles reference table with the gazetteer's rows (registered as _reference_batch).
DELETE FROM actor_roles;
INSERT INTO actor_roles BY NAME SELECT * FROM _reference_batch;
