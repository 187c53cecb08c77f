"""Database access: the engine for SQLite or PostgreSQL, the shared metadata, migrations."""
