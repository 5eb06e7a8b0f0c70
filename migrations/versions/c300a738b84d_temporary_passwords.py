"""temporary passwords: a person given a password by someone else chooses their own first

Revision ID: c300a738b84d
Revises: a3f9c1e7d2b4
Create Date: 2026-12-05 10:00:00

`user.must_change_password` is set for an account made by a director on the People page or
by `residency create-user` (and by `residency reset-password`); until the person chooses
their own password, every page sends them to the account page. Accounts that exist before
this revision are not asked (false for every row).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c300a738b84d'
down_revision = 'a3f9c1e7d2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
