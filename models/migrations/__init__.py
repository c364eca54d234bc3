"""Alembic migrations: one revision for every schema change, run on SQLite and PostgreSQL."""
