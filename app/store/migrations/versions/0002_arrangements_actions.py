"""arrangements and case actions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adds ``arrangement`` and ``case_action`` (``app.models.recovery``), pulled since sync protocol
version 2. A device upgraded from 0001 holds a cursor past every arrangement and action the
central store already has, so the cursor goes back to 0: the next sync pulls the whole scope
again (applying rows is idempotent, nothing already held is lost or duplicated) and the
arrangements and actions arrive with it. The outbox and the device's enrolment are untouched.
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
    op.create_table('arrangement',
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('instalment_pence', sa.Integer(), nullable=False),
    sa.Column('starting_balance_pence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('server_seq', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_arrangement_tenancy_id_tenancy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrangement')),
    sa.UniqueConstraint('ref', name=op.f('uq_arrangement_ref'))
    )
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arrangement_tenancy_id'), ['tenancy_id'], unique=False)

    op.create_table('case_action',
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('server_seq', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_action'))
    )
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_action_ref'), ['ref'], unique=False)
        batch_op.create_index('ix_case_action_tenancy_on', ['tenancy_id', 'on_date'], unique=False)

    # Pull the whole scope again so that the existing arrangements and actions arrive.
    op.execute(sa.text('UPDATE sync_state SET "cursor" = 0'))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_index('ix_case_action_tenancy_on')
        batch_op.drop_index(batch_op.f('ix_case_action_ref'))

    op.drop_table('case_action')
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arrangement_tenancy_id'))

    op.drop_table('arrangement')
