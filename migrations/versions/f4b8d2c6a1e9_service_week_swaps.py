"""service week swaps: a swap may move weeks of a weekly service (night float)

Revision ID: f4b8d2c6a1e9
Revises: e7c2d4a9b1f3
Create Date: 2026-12-12 00:10:00

A call swap says what it moves (`kind`: "call", one call shift as before, or "service",
weeks `first_week`-`last_week` of the weekly service named in `pool`); an approved service
swap keeps the block version it published (`block_result_id`) beside the call version made
on it (`result_id`). One open offer per shift now counts the giver too: two residents on
the same shift (a pool needing two) or the same service week may each offer theirs.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f4b8d2c6a1e9'
down_revision = 'e7c2d4a9b1f3'
branch_labels = None
depends_on = None

OPEN = "state IN ('offered', 'accepted')"
INDEX = 'ix_call_swap_one_open_per_shift'


def upgrade():
    with op.batch_alter_table('call_swap') as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='call',
                                      nullable=False))
        batch_op.add_column(sa.Column('first_week', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_week', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('block_result_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_call_swap_block_result_id_schedule'),
                                    'schedule', ['block_result_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_call_swap_known_kind'),
                                         "kind IN ('call', 'service')")
        batch_op.create_check_constraint(
            op.f('ck_call_swap_service_has_weeks'),
            "kind = 'call' OR (first_week IS NOT NULL AND last_week >= first_week)")
    with op.batch_alter_table('call_swap') as batch_op:
        batch_op.create_index(INDEX, ['program_id', 'kind', 'pool', 'start', 'giver_id'],
                              unique=True, sqlite_where=sa.text(OPEN),
                              postgresql_where=sa.text(OPEN))


def downgrade():
    # Refused, before anything changes, while a service swap is kept: the previous schema
    # would read it as a call swap of a shift that does not exist.
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM call_swap WHERE kind <> 'call'")).scalar()
    if held:
        raise RuntimeError(f"{held} swap(s) of service weeks are kept; the previous schema "
                           "cannot hold them")
    shared = op.get_bind().execute(sa.text(
        f"SELECT count(*) FROM (SELECT 1 FROM call_swap WHERE {OPEN} "
        "GROUP BY program_id, pool, start HAVING count(*) > 1) AS shared")).scalar()
    if shared:
        raise RuntimeError(f"{shared} shift(s) are offered by two residents at once; the "
                           "previous schema allows one open offer per shift")
    with op.batch_alter_table('call_swap') as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_constraint(op.f('ck_call_swap_service_has_weeks'), type_='check')
        batch_op.drop_constraint(op.f('ck_call_swap_known_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_call_swap_block_result_id_schedule'),
                                 type_='foreignkey')
        batch_op.drop_column('block_result_id')
        batch_op.drop_column('last_week')
        batch_op.drop_column('first_week')
        batch_op.drop_column('kind')
    with op.batch_alter_table('call_swap') as batch_op:
        batch_op.create_index(INDEX, ['program_id', 'pool', 'start'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
