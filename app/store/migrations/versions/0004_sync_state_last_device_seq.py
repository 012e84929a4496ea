"""sync state last device seq

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Adds ``sync_state.last_device_seq``: the last ``device_seq`` given to an outbox mutation, so
that numbers keep increasing once the push has emptied the outbox. An existing device starts
from the highest number still in its outbox (0 when it is empty: nothing was ever pushed before
this version, so no number has reached a server).
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
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('last_device_seq', sa.BigInteger(), server_default='0', nullable=False)
        )
    op.execute(
        sa.text(
            'UPDATE sync_state SET last_device_seq = '
            '(SELECT COALESCE(MAX(device_seq), 0) FROM outbox_mutation)'
        )
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.drop_column('last_device_seq')
