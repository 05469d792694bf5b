"""Persistence: SQLAlchemy tables, mappings, repositories and engine setup."""
