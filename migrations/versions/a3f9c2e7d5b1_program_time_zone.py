"""each program's own time zone: a program may work in another zone than the installation's

Revision ID: a3f9c2e7d5b1
Revises: 7c41e9d2a6b8
Create Date: 2026-12-07 06:30:00

`program.time_zone` is an IANA name ("America/Los_Angeles"), or NULL for the installation's
`TIMEZONE`. A new nullable column only: every program keeps working in the installation's
zone until its chief chooses another.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3f9c2e7d5b1'
down_revision = '7c41e9d2a6b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('program') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('program') as batch:
        batch.drop_column('time_zone')
