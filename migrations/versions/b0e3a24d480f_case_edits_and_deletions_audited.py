"""a resident's edits and deletions of their unverified cases are audited

Revision ID: b0e3a24d480f
Revises: c300a738b84d
Create Date: 2026-12-05 12:00:00

A resident may edit or delete their own case until it is verified (a returned case, edited,
goes back to its attending). The audit log gains two actions, `case.edited` and
`case.deleted`, so that what an attending was asked to verify, or was shown and returned,
can always be traced. Only the log's check constraint changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b0e3a24d480f'
down_revision = 'c300a738b84d'
branch_labels = None
depends_on = None


OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'request.decided',
               'role.granted', 'role.revoked', 'resident.archived', 'resident.restored',
               'resident.deleted')
NEW_ACTIONS = OLD_ACTIONS + ('case.edited', 'case.deleted')
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
    _audit_actions(NEW_ACTIONS)


def downgrade():
    # Refused, before anything changes, while the log holds an event of a new kind: the log
    # is never erased (and SQLite runs these statements outside a transaction).
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known(OLD_ACTIONS))).scalar()
    if held:
        raise RuntimeError(f"the audit log holds {held} event(s) this revision introduced "
                           "(cases edited or deleted by their residents); the previous schema "
                           "cannot hold them, and the log is never erased")
    _audit_actions(OLD_ACTIONS)
