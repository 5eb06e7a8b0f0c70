"""every program has its case-log catalogue

Revision ID: 9d2e6b1f0a47
Revises: 4f1c2a9b7d3e
Create Date: 2026-12-04 14:30:00

A program is now made with its catalogue (web.models.default_catalogue), so no page creates it
on first view. Programs made before this release that never opened a case-log page get the
default catalogue and targets here.
"""
from alembic import op
import sqlalchemy as sa

from web.models.default_catalogue import CatalogueTables, insert_default


revision = '9d2e6b1f0a47'
down_revision = '4f1c2a9b7d3e'
branch_labels = None
depends_on = None

# The tables as this revision knows them.
TABLES = CatalogueTables(
    category=sa.table('procedure_category', sa.column('id', sa.Integer),
                      sa.column('program_id', sa.Integer), sa.column('position', sa.Integer),
                      sa.column('code', sa.String), sa.column('name', sa.String),
                      sa.column('kind', sa.String)),
    type=sa.table('procedure_type', sa.column('id', sa.Integer),
                  sa.column('program_id', sa.Integer), sa.column('category_id', sa.Integer),
                  sa.column('position', sa.Integer), sa.column('code', sa.String),
                  sa.column('name', sa.String), sa.column('cpt', sa.JSON)),
    target=sa.table('case_target', sa.column('id', sa.Integer),
                    sa.column('program_id', sa.Integer), sa.column('position', sa.Integer),
                    sa.column('entry', sa.JSON)),
)


def upgrade():
    bind = op.get_bind()
    without = bind.execute(sa.text(
        "SELECT id FROM program WHERE NOT EXISTS "
        "(SELECT 1 FROM procedure_category c WHERE c.program_id = program.id) "
        "ORDER BY id")).scalars().all()
    for program_id in without:
        insert_default(bind, program_id, TABLES)


def downgrade():
    # The catalogues stay: the previous release used them as its own.
    pass
