"""assessment sync and referrals

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Finished assessments are now pushed (``assessment.add@1``) and pulled:
``income_assessment.sync_problem`` keeps the reason the central store refused one (None for
every row held so far). ``case_action.assessment_id`` names the assessment a referral to debt
advice was sent with (None for every action held so far). ``arrangement.day_of_month``: the day monthly instalments keep
to when it is not the first due date's (a UC pay day of the 31st from 28 Feb); None for every
arrangement held so far.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('income_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sync_problem', sa.Text(), nullable=True))
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
        batch_op.drop_column('sync_problem')
