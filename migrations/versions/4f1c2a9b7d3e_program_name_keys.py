"""program names normalised, with a unique comparison key

Revision ID: 4f1c2a9b7d3e
Revises: 365392354be7
Create Date: 2026-12-04 14:00:00

Program names are kept in Unicode NFKC form with whitespace trimmed and collapsed, and
`name_key` (that form, case-folded) is unique: a look-alike name is never a second program.
Names stored before this release are cleaned (control and invisible characters removed);
a name whose key another program already has gets " (2)", " (3)", ... appended.
"""
from alembic import op
import sqlalchemy as sa

from scheduler.identifiers import cleaned


revision = '4f1c2a9b7d3e'
down_revision = '365392354be7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), nullable=True))

    bind = op.get_bind()
    program = sa.table('program', sa.column('id', sa.Integer), sa.column('name', sa.String),
                       sa.column('name_key', sa.String))
    taken: set[str] = set()
    rows = bind.execute(sa.select(program.c.id, program.c.name).order_by(program.c.id)).all()
    renamed = {}
    for row_id, name in rows:
        base = cleaned(name) or f"Program {row_id}"
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base[:190]} ({n})"
        taken.add(candidate.casefold())
        renamed[row_id] = candidate
    # Two passes, so that a rename never meets the old unique name it replaces.
    for row_id in renamed:
        bind.execute(program.update().where(program.c.id == row_id)
                     .values(name=f"\x01migrating {row_id}"))
    for row_id, name in renamed.items():
        bind.execute(program.update().where(program.c.id == row_id)
                     .values(name=name, name_key=name.casefold()))

    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_program_name_key'), ['name_key'])


def downgrade():
    with op.batch_alter_table('program', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_program_name_key'), type_='unique')
        batch_op.drop_column('name_key')
