"""when a case entered or left an officer's caseload

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

``scope_event.at``: the instant a case entered or left an officer's scope. The push accepts
late work from an officer who no longer holds a case only when it was recorded before the case
left them and arrives within a set time of it (``central.push``); that needs the time it left.
Events from before this column have none (NULL), and late work against them is refused. Runs
on PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.sqlkit.utc import UTCDateTime


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scope_event') as batch:
        batch.add_column(sa.Column('at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('scope_event') as batch:
        batch.drop_column('at')
