"""Alembic environment for the laptop database; configured in code by ``app.store.schema``."""

from alembic import context

from app.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
