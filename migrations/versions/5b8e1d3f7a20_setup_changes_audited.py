"""a program's set-up entries (rotations, residents, requirements, rules, blackouts, away
limits, weekly services) added, changed or removed on the set-up pages are audited

Revision ID: 5b8e1d3f7a20
Revises: 9d2e6b7c4f15
Create Date: 2026-12-07 15:00:00

Each set-up entry decides schedules as the year settings do, so who added, changed or
removed which entry, when, and from what to what is kept: the audit log gains
`setup.added`, `setup.changed` and `setup.removed`. Only the log's check constraint changes.

SQLite cannot change a check in place: the table is made again from its stored definition
with only the check's list changed, keeping every row, its index, its append-only triggers
and the AUTOINCREMENT of its id (as revisions 7c41e9d2a6b8, 43c288ef16a9 and 9d2e6b7c4f15
do: a migration is a frozen copy, so none imports another's code).
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '5b8e1d3f7a20'
down_revision = '9d2e6b7c4f15'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'case.edited',
               'case.deleted', 'request.decided', 'role.granted', 'role.revoked',
               'resident.archived', 'resident.restored', 'resident.deleted', 'call.published',
               'swap.offered', 'swap.accepted', 'swap.approved', 'swap.declined',
               'swap.withdrawn', 'swap.lapsed', 'resident.linked', 'resident.unlinked',
               'role.changed', 'time_zone.changed', 'settings.changed')
NEW_ACTIONS = OLD_ACTIONS + ('setup.added', 'setup.changed', 'setup.removed')
CHECK = 'ck_audit_event_known_action'


def _known(values):
    return "action IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _rebuild(bind, definition):
    """Make the audit log again from the CREATE TABLE text `definition`, keeping every row,
    index and trigger (dropping a table fires no trigger)."""
    kept = bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_event' AND type IN "
        "('index', 'trigger') AND sql IS NOT NULL")).scalars().all()
    header = re.match(r'\s*CREATE TABLE\s+("[^"]+"|\w+)', definition)
    assert header is not None, definition
    run = bind.exec_driver_sql
    run('DROP TABLE IF EXISTS "_check_audit_event"')
    run('CREATE TABLE "_check_audit_event"' + definition[header.end():])
    run('INSERT INTO "_check_audit_event" SELECT * FROM "audit_event"')
    run('DROP TABLE "audit_event"')
    run('ALTER TABLE "_check_audit_event" RENAME TO "audit_event"')
    for statement in kept:
        run(statement)


def _allow(values):
    """Let the audit log's check accept exactly `values`."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CHECK), 'audit_event', type_='check')
        op.create_check_constraint(op.f(CHECK), 'audit_event', _known(values))
        return
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = 'audit_event'")).scalar_one()
    pattern = rf'(CONSTRAINT "?{CHECK}"? CHECK \()action IN \([^)]*\)'
    changed, found = re.subn(pattern, lambda m: m.group(1) + _known(values), sql)
    assert found == 1, f"{CHECK} not found in the audit log's definition"
    _rebuild(bind, changed)


def upgrade():
    _allow(NEW_ACTIONS)


def downgrade():
    # Refused, before anything changes, while the log holds a set-up change: the log is
    # never erased, and the previous schema cannot hold it.
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known(OLD_ACTIONS))).scalar()
    if held:
        raise RuntimeError(f"the audit log holds {held} set-up change(s), which the "
                           "previous schema cannot hold, and the log is never erased")
    _allow(OLD_ACTIONS)
