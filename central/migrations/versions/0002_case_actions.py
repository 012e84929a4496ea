"""case actions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.sqlkit.utc


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('case_action',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_case_action_officer_id_officer')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_case_action_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_action')),
    sa.UniqueConstraint('ref', name=op.f('uq_case_action_ref'))
    )
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_action_seq'), ['seq'], unique=False)
        batch_op.create_index('ix_case_action_tenancy_seq', ['tenancy_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_action_tenancy_id'), ['tenancy_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_action_tenancy_id'))
        batch_op.drop_index('ix_case_action_tenancy_seq')
        batch_op.drop_index(batch_op.f('ix_case_action_seq'))

    op.drop_table('case_action')
