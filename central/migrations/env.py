"""Alembic environment for the central store; configured in code by ``central.db.migrate``."""

from alembic import context

from central.models import CentralBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=CentralBase.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
