"""applied mutations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Adds ``applied_mutation`` (``central.models.AppliedMutation``): the result of every mutation a
device pushed, keyed by (device, mutation id), so that a mutation sent again answers its stored
result and is never applied twice (``central.push``). Runs on PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.sqlkit.utc


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('applied_mutation',
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('mutation_id', sa.Uuid(), nullable=False),
    sa.Column('device_seq', sa.BigInteger(), nullable=False),
    sa.Column('intent', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('seq', sa.BigInteger(), nullable=True),
    sa.Column('applied_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_applied_mutation_device_id_device')),
    sa.PrimaryKeyConstraint('device_id', 'mutation_id', name=op.f('pk_applied_mutation'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('applied_mutation')
