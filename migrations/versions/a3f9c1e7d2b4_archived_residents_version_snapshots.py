"""archived residents; each published version keeps the program it was published under

Revision ID: a3f9c1e7d2b4
Revises: d5f3a7c2e8b1
Create Date: 2026-12-04 21:30:00

A resident who leaves is archived (`archived_at`), not deleted: kept with their case log and
in the versions that name them, out of new solves. A published version keeps the program
file it was checked against (`program_toml`), so later roster or rule changes never alter
it. Versions published before this revision have none and are read against the live
program, as before. The audit log gains three actions: a resident archived, restored or
deleted (only one who was never in a published version and has no case log can be).
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3f9c1e7d2b4'
down_revision = 'd5f3a7c2e8b1'
branch_labels = None
depends_on = None


OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'request.decided',
               'role.granted', 'role.revoked')
NEW_ACTIONS = OLD_ACTIONS + ('resident.archived', 'resident.restored', 'resident.deleted')
CHECK = 'ck_audit_event_known_action'


def _known(actions):
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def _audit_actions(actions):
    """Let the audit log's check accept `actions`. PostgreSQL alters the constraint in place.
    SQLite cannot: the append-only table is rebuilt with every row, its index and its two
    triggers (dropping a table fires no trigger)."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(CHECK), 'audit_event', type_='check')
        op.create_check_constraint(op.f(CHECK), 'audit_event', _known(actions))
        return
    op.execute("DROP TRIGGER audit_event_no_update")
    op.execute("DROP TRIGGER audit_event_no_delete")
    op.drop_index('ix_audit_event_program', table_name='audit_event')
    op.rename_table('audit_event', 'audit_event_old')
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=True),
        sa.Column('program_name', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_email', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.CheckConstraint(_known(actions), name=op.f(CHECK)),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    )
    op.execute("INSERT INTO audit_event SELECT id, at, program_id, program_name, actor_id, "
               "actor_email, action, subject, detail FROM audit_event_old")
    op.drop_table('audit_event_old')
    op.create_index('ix_audit_event_program', 'audit_event', ['program_id', 'id'])
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event"
                   f" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {verb} refused');"
                   " END")


def upgrade():
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program_toml', sa.Text(), nullable=True))
    _audit_actions(NEW_ACTIONS)


def downgrade():
    # Refused, before anything changes, while the log holds an event of a new kind: the log
    # is never erased (and SQLite runs these statements outside a transaction).
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known(OLD_ACTIONS))).scalar()
    if held:
        raise RuntimeError(f"the audit log holds {held} event(s) this revision introduced "
                           "(residents archived, restored or deleted); the previous schema "
                           "cannot hold them, and the log is never erased")
    _audit_actions(OLD_ACTIONS)
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.drop_column('program_toml')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
