"""IT can wipe a device and disable an officer

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``device.wipe_requested_at`` (IT asked for the laptop to erase its data) and
``device.wiped_at`` (when the service first told the laptop so); ``officer.disabled_at`` (the
officer may not sign in and no device of theirs may sync). All NULL for existing rows: nothing
is wiped or disabled by the upgrade. Runs on PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.sqlkit.utc import UTCDateTime


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('device') as batch:
        batch.add_column(sa.Column('wipe_requested_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('wiped_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('officer') as batch:
        batch.add_column(sa.Column('disabled_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('officer') as batch:
        batch.drop_column('disabled_at')
    with op.batch_alter_table('device') as batch:
        batch.drop_column('wiped_at')
        batch.drop_column('wipe_requested_at')
