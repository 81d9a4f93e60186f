"""Alembic's environment script. Alembic runs it (nothing imports it): it migrates the connection that
``digestbot.store.migrations`` hands over, inside the transaction and the lock that module holds."""

from alembic import context

from digestbot.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters most things by rebuilding the table; batch mode writes migrations that way.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
