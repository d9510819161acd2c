-- Record a migration as applied, in the migration's own transaction.
INSERT INTO schema_migrations VALUES ($version, $name, $now);
