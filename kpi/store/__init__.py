"""The two DuckDB files: store, schema migrations, backups, settings and the audit log."""
