"""lapsed swaps, linked accounts, changed roles: a swap lapses when a newer call version takes
its shift from the giver; linking an account to a resident and changing a role are audited

Revision ID: 7c41e9d2a6b8
Revises: 1d7a5e3c9b20
Create Date: 2026-12-07 00:10:00

An open swap offer rests on the call version it was made on. When a newer call version is
published in which the giver no longer holds the shift (or the service weeks), the offer
cannot be taken any more: it is closed as `lapsed` (a new swap state) and the residents told.
The audit log gains `swap.lapsed`, and `resident.linked` / `resident.unlinked` for a chief
giving a resident's schedule and case log to a sign-in account or taking it away (the account
reads and logs as that resident from then on), and `role.changed` for a person's role
changed in one step (a chief who becomes faculty). Only two check constraints change.

SQLite cannot change a check in place: each table is made again from its stored definition
with only the check's list changed, keeping every row, index (partial ones included),
trigger (the audit log's append-only guards) and the AUTOINCREMENT of its id.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '7c41e9d2a6b8'
down_revision = '1d7a5e3c9b20'
branch_labels = None
depends_on = None

OLD_STATES = ('offered', 'accepted', 'approved', 'declined', 'withdrawn')
NEW_STATES = OLD_STATES + ('lapsed',)
OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'case.edited',
               'case.deleted', 'request.decided', 'role.granted', 'role.revoked',
               'resident.archived', 'resident.restored', 'resident.deleted', 'call.published',
               'swap.offered', 'swap.accepted', 'swap.approved', 'swap.declined',
               'swap.withdrawn')
NEW_ACTIONS = OLD_ACTIONS + ('swap.lapsed', 'resident.linked', 'resident.unlinked',
                             'role.changed')
CHECKS = {  # table: (check constraint, column)
    'call_swap': ('ck_call_swap_known_state', 'state'),
    'audit_event': ('ck_audit_event_known_action', 'action'),
}


def _known(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _rebuild(bind, table, definition):
    """Make `table` again from the CREATE TABLE text `definition`, keeping every row, index
    and trigger (dropping a table fires no trigger)."""
    kept = bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE tbl_name = :name AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL"), {"name": table}).scalars().all()
    spare = f"_check_{table}"
    header = re.match(r'\s*CREATE TABLE\s+("[^"]+"|\w+)', definition)
    assert header is not None, definition
    run = bind.exec_driver_sql
    run(f'DROP TABLE IF EXISTS "{spare}"')
    run(f'CREATE TABLE "{spare}"' + definition[header.end():])
    run(f'INSERT INTO "{spare}" SELECT * FROM "{table}"')
    run(f'DROP TABLE "{table}"')
    run(f'ALTER TABLE "{spare}" RENAME TO "{table}"')
    for statement in kept:
        run(statement)


def _allow(table, values):
    """Let `table`'s check accept exactly `values`."""
    check, column = CHECKS[table]
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(check), table, type_='check')
        op.create_check_constraint(op.f(check), table, _known(column, values))
        return
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = :name"), {"name": table}).scalar_one()
    pattern = rf'(CONSTRAINT "?{check}"? CHECK \(){column} IN \([^)]*\)'
    changed, found = re.subn(pattern, lambda m: m.group(1) + _known(column, values), sql)
    assert found == 1, f"{check} not found in {table}'s definition"
    _rebuild(bind, table, changed)


def upgrade():
    _allow('call_swap', NEW_STATES)
    _allow('audit_event', NEW_ACTIONS)


def downgrade():
    # Refused, before anything changes, while a lapsed swap or an event of a new kind is
    # kept: the log is never erased, and the previous schema cannot hold them.
    bind = op.get_bind()
    lapsed = bind.execute(sa.text(
        "SELECT count(*) FROM call_swap WHERE NOT " + _known('state', OLD_STATES))).scalar()
    held = bind.execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known('action', OLD_ACTIONS))).scalar()
    if lapsed or held:
        raise RuntimeError(f"{lapsed} lapsed swap(s) and {held} audit event(s) of kinds this "
                           "revision introduced are kept; the previous schema cannot hold "
                           "them, and the audit log is never erased")
    _allow('audit_event', OLD_ACTIONS)
    _allow('call_swap', OLD_STATES)
