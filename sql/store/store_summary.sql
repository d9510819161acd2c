-- What `tracker init` reports of a store: reference rows, articles, statements and the schema version.
SELECT (SELECT count(*) FROM actors) AS actors, (SELECT count(*) FROM actor_roles) AS roles,
       (SELECT count(*) FROM conflicts) AS conflicts, (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM statements) AS statements, (SELECT max(version) FROM schema_migrations) AS schema
