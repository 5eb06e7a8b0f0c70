"""solve queue: when a job's worker was sent

Revision ID: c4a8e1f2b9d6
Revises: b7e3c2d91f05
Create Date: 2026-12-04 15:40:00

A queued job with no `dispatched_at` waits for one of the instance's SOLVE_MAX_CONCURRENT
solvers. Jobs queued before this release already had their worker sent.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4a8e1f2b9d6'
down_revision = 'b7e3c2d91f05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispatched_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE solve_job SET dispatched_at = created_at")


def downgrade():
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.drop_column('dispatched_at')
