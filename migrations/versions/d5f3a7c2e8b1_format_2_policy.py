"""format 2: holidays, final levels, split blocks, blackouts, away limits, weekly services

Revision ID: d5f3a7c2e8b1
Revises: c4a8e1f2b9d6
Create Date: 2026-12-04 17:00:00

Program-file format 2 keys: the program's holidays, each track's final level and split
blocks; a rotation's `split`; a resident's own cap of vacation weeks per block; and three
sections kept as the file's entries (blackouts, away limits, weekly services).
"""
from alembic import op
import sqlalchemy as sa


revision = 'd5f3a7c2e8b1'
down_revision = 'c4a8e1f2b9d6'
branch_labels = None
depends_on = None

SECTIONS = ('blackout', 'away_limit', 'service')


def upgrade():
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_level', sa.JSON(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('holidays', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('split_blocks', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('rotation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_vacation_weeks_per_block', sa.Integer(),
                                      nullable=True))
    for name in SECTIONS:
        op.create_table(
            name,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('program_id', sa.Integer(), nullable=False),
            sa.Column('position', sa.Integer(), nullable=False),
            sa.Column('entry', sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(['program_id'], ['program.id'],
                                    name=op.f(f'fk_{name}_program_id_program'),
                                    ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        )


def downgrade():
    for name in SECTIONS:
        op.drop_table(name)
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('max_vacation_weeks_per_block')
    with op.batch_alter_table('rotation', schema=None) as batch_op:
        batch_op.drop_column('split')
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_column('split_blocks')
        batch_op.drop_column('holidays')
        batch_op.drop_column('final_level')
