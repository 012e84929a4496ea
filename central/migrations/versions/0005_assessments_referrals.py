"""assessments and referrals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Finished income and expenditure assessments pushed by devices (``central.models.
IncomeAssessment``, ``assessment.add@1``): one row per assessment with its figures as entered
in ``content`` (JSON), numbered from the change sequence so the officer's other devices pull
it. ``case_action.assessment_id``: the assessment a referral to debt advice was sent with
(None for every action held so far). ``arrangement.day_of_month``: the day monthly instalments
keep to when it is not the first due date's (None for every arrangement held so far). Runs on
PostgreSQL and SQLite alike.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from app.sqlkit.utc import UTCDateTime


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'income_assessment',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('tenancy_id', sa.Uuid(), nullable=False),
        sa.Column('assessed_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('supersedes_id', sa.Uuid(), nullable=True),
        sa.Column('officer_id', sa.Uuid(), nullable=True),
        sa.Column('finalised_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['officer_id'], ['officer.id'], name=op.f('fk_income_assessment_officer_id_officer')
        ),
        sa.ForeignKeyConstraint(
            ['tenancy_id'], ['tenancy.id'], name=op.f('fk_income_assessment_tenancy_id_tenancy')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_income_assessment')),
    )
    with op.batch_alter_table('income_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_income_assessment_seq'), ['seq'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_income_assessment_supersedes_id'), ['supersedes_id'], unique=False
        )
        batch_op.create_index(
            'ix_income_assessment_tenancy_seq', ['tenancy_id', 'seq'], unique=False
        )
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_id', sa.Uuid(), nullable=True))
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day_of_month', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_column('day_of_month')
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_column('assessment_id')
    with op.batch_alter_table('income_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_income_assessment_tenancy_seq')
        batch_op.drop_index(batch_op.f('ix_income_assessment_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_income_assessment_seq'))
    op.drop_table('income_assessment')
