"""notifications that ask: a notification asking a chief to approve a swap is read once done

Revision ID: 4f196cbd481c
Revises: a3f9c2e7d5b1
Create Date: 2026-12-07 09:00:00

`notification.asks` names what a notification asks its reader to do ("approve call_swap
12"), or NULL for one that only tells; once anyone has done it (the swap approved, declined,
withdrawn or lapsed), every notification asking for it is marked read. A new nullable column
and its index only: the notifications already kept ask nothing.

On SQLite the column is added and dropped in place (ALTER TABLE), not by rebuilding the
table, which would lose its AUTOINCREMENT (revision 1d7a5e3c9b20).
"""
from alembic import op
import sqlalchemy as sa


revision = '4f196cbd481c'
down_revision = 'a3f9c2e7d5b1'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('notification', sa.Column('asks', sa.String(length=64), nullable=True))
    op.create_index('ix_notification_asks', 'notification', ['asks'])


def downgrade():
    op.drop_index('ix_notification_asks', table_name='notification')
    op.drop_column('notification', 'asks')
