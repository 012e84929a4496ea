"""form drafts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

``form_draft``: the screens open when Doorstep locked and what was typed in them, kept in the
encrypted database to open again after the PIN (``app.services.screen_lock``). Empty at first.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.sqlkit.utc


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('form_draft',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('saved_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_draft'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('form_draft')
