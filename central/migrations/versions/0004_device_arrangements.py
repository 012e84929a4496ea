"""device arrangements

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Arrangement versions agreed on a device (``central.models.Arrangement``, pushed as
``arrangement.agree@1`` / ``arrangement.cancel@1``): ``supersedes_id``, ``source`` ("hms" for
every arrangement held so far), ``made_on`` and ``officer_id``. A device-made version gets its
``seq`` from the change sequence when it is pushed (``central.push``), so devices pull it like
any change; rows held so far keep theirs (their new columns carry the values devices already
assume for them). Runs on PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supersedes_id', sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column('source', sa.String(length=8), nullable=False, server_default='hms')
        )
        batch_op.add_column(sa.Column('made_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('officer_id', sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_arrangement_supersedes_id'), ['supersedes_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_arrangement_officer_id_officer'), 'officer', ['officer_id'], ['id']
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_arrangement_officer_id_officer'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_arrangement_supersedes_id'))
        batch_op.drop_column('officer_id')
        batch_op.drop_column('made_on')
        batch_op.drop_column('source')
        batch_op.drop_column('supersedes_id')
