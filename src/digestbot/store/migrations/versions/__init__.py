"""Alembic revisions, oldest first. Each file is one schema change; never edit one that shipped."""
