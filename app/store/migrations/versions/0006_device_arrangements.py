"""device arrangements

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Arrangements agreed, renegotiated or cancelled on this device (``app.models.recovery``): each is
a new version, ``supersedes_id`` naming the version it replaces; ``source`` ("hms" for every
arrangement held so far), ``made_on``, ``pending`` (false for every row held so far) and
``sync_problem``. ``tenancy_id`` stops being a foreign key, as for case actions, so a pending
version survives its case leaving the device until it is pushed. Nothing held changes.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_arrangement_tenancy_id_tenancy', type_='foreignkey')
        batch_op.add_column(sa.Column('supersedes_id', sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column('source', sa.String(length=8), nullable=False, server_default='hms')
        )
        batch_op.add_column(sa.Column('made_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('pending', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('sync_problem', sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_arrangement_supersedes_id'), ['supersedes_id'], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrangement_supersedes_id'))
        batch_op.drop_column('sync_problem')
        batch_op.drop_column('pending')
        batch_op.drop_column('made_on')
        batch_op.drop_column('source')
        batch_op.drop_column('supersedes_id')
        batch_op.create_foreign_key(
            'fk_arrangement_tenancy_id_tenancy', 'tenancy', ['tenancy_id'], ['id'],
            ondelete='CASCADE',
        )
