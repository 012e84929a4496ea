"""visit records

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

What officers record on visits, pushed by devices (``central.models``): ``contact``,
``payment_promise``, ``follow_up`` and ``referral``, append-only, each with the recording
officer's display name as it was at the push (``recorded_by``). Empty at first.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.sqlkit.utc


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_need', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('learned_from', sa.String(length=24), nullable=True))
    op.create_table('contact',
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('spoke_to_person_id', sa.Uuid(), nullable=True),
    sa.Column('spoke_to_name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('action_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_contact_officer_id_officer')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_contact_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_supersedes_id'), ['supersedes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_tenancy_id'), ['tenancy_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_follow_up_officer_id_officer')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_follow_up_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_supersedes_id'), ['supersedes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_tenancy_id'), ['tenancy_id'], unique=False)

    op.create_table('payment_promise',
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_payment_promise_officer_id_officer')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_payment_promise_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_promise'))
    )
    with op.batch_alter_table('payment_promise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_promise_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_promise_supersedes_id'), ['supersedes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_promise_tenancy_id'), ['tenancy_id'], unique=False)

    op.create_table('referral',
    sa.Column('to', sa.String(length=24), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_referral_officer_id_officer')),
    sa.ForeignKeyConstraint(['tenancy_id'], ['tenancy.id'], name=op.f('fk_referral_tenancy_id_tenancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_supersedes_id'), ['supersedes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_tenancy_id'), ['tenancy_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_column('learned_from')
        batch_op.drop_column('support_need')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_tenancy_id'))
        batch_op.drop_index(batch_op.f('ix_referral_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_referral_seq'))

    op.drop_table('referral')
    with op.batch_alter_table('payment_promise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_promise_tenancy_id'))
        batch_op.drop_index(batch_op.f('ix_payment_promise_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_payment_promise_seq'))

    op.drop_table('payment_promise')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_tenancy_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_seq'))

    op.drop_table('follow_up')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_tenancy_id'))
        batch_op.drop_index(batch_op.f('ix_contact_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_contact_seq'))

    op.drop_table('contact')
