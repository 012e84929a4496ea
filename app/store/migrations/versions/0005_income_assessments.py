"""income and expenditure assessments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Adds the I&E assessment on the Standard Financial Statement (``income_assessment`` with its
``assessment_line`` and ``assessment_debt`` rows) and the imported spending-guideline table
(``guideline_figure``). New tables only: existing data is untouched.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import app.sqlkit.utc


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('guideline_figure',
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('household_key', sa.String(length=60), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('imported_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guideline_figure')),
    sa.UniqueConstraint('category', 'household_key', 'effective_from', name=op.f('uq_guideline_figure_category'))
    )
    op.create_table('income_assessment',
    sa.Column('tenancy_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children_under_16', sa.Integer(), nullable=False),
    sa.Column('children_16_18', sa.Integer(), nullable=False),
    sa.Column('other_dependants', sa.Integer(), nullable=False),
    sa.Column('non_dependants', sa.Integer(), nullable=False),
    sa.Column('vehicles', sa.Integer(), nullable=False),
    sa.Column('savings_pence', sa.Integer(), nullable=False),
    sa.Column('admin_fee_pence', sa.Integer(), nullable=False),
    sa.Column('rent_offer_pence', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('finalised_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('pending', sa.Boolean(), nullable=False),
    sa.Column('server_seq', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.sqlkit.utc.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_income_assessment'))
    )
    op.create_index('ix_income_assessment_tenancy_on', 'income_assessment', ['tenancy_id', 'assessed_on'], unique=False)
    op.create_table('assessment_debt',
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('creditor', sa.String(length=200), nullable=False),
    sa.Column('owed_pence', sa.Integer(), nullable=False),
    sa.Column('offer_pence', sa.Integer(), nullable=False),
    sa.Column('ccj', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['income_assessment.id'], name=op.f('fk_assessment_debt_assessment_id_income_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_debt'))
    )
    op.create_index(op.f('ix_assessment_debt_assessment_id'), 'assessment_debt', ['assessment_id'], unique=False)
    op.create_table('assessment_line',
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=60), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['income_assessment.id'], name=op.f('fk_assessment_line_assessment_id_income_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_line'))
    )
    op.create_index(op.f('ix_assessment_line_assessment_id'), 'assessment_line', ['assessment_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_assessment_line_assessment_id'), table_name='assessment_line')
    op.drop_table('assessment_line')
    op.drop_index(op.f('ix_assessment_debt_assessment_id'), table_name='assessment_debt')
    op.drop_table('assessment_debt')
    op.drop_index('ix_income_assessment_tenancy_on', table_name='income_assessment')
    op.drop_table('income_assessment')
    op.drop_table('guideline_figure')
