"""The store of record: SQLAlchemy 2 on SQLite (default) or PostgreSQL."""
