"""case action sync problem

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Adds ``case_action.sync_problem`` (``app.models.recovery.CaseAction``): why the central store
rejected an action pushed from this device (NULL for every action until the push says so).
Nothing held changes.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sync_problem', sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_column('sync_problem')
