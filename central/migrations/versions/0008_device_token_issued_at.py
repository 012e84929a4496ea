"""when a device's token was issued, so that it can expire

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

``device.token_issued_at``: the instant the device's current token was issued (at sign-in). A
token older than ``central.devices.TOKEN_LIFETIME`` is refused and the device signs in again.
Tokens issued before this column have none (NULL) and count as expired: every laptop signs in
once after the upgrade. Runs on PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.sqlkit.utc import UTCDateTime


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('device') as batch:
        batch.add_column(sa.Column('token_issued_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('device') as batch:
        batch.drop_column('token_issued_at')
