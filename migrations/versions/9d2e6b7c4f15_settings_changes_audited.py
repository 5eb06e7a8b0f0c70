"""a program's year settings, changed on its settings page or by an imported file, are audited

Revision ID: 9d2e6b7c4f15
Revises: 43c288ef16a9
Create Date: 2026-12-07 12:10:00

The year settings (its name, first day, calendar, levels, tracks, final levels, vacation
allowance and its cap a block, the weight of a change, split blocks, holidays) decide every
schedule the program makes, so who changed which of them, when, from what and to what is
kept: the audit log gains `settings.changed`. Only the log's check constraint changes.

SQLite cannot change a check in place: the table is made again from its stored definition
with only the check's list changed, keeping every row, its index, its append-only triggers
and the AUTOINCREMENT of its id (as revisions 7c41e9d2a6b8 and 43c288ef16a9 do).
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '9d2e6b7c4f15'
down_revision = '43c288ef16a9'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'case.edited',
               'case.deleted', 'request.decided', 'role.granted', 'role.revoked',
               'resident.archived', 'resident.restored', 'resident.deleted', 'call.published',
               'swap.offered', 'swap.accepted', 'swap.approved', 'swap.declined',
               'swap.withdrawn', 'swap.lapsed', 'resident.linked', 'resident.unlinked',
               'role.changed', 'time_zone.changed')
NEW_ACTIONS = OLD_ACTIONS + ('settings.changed',)
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
    # Refused, before anything changes, while the log holds a settings change: the log is
    # never erased, and the previous schema cannot hold it.
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known(OLD_ACTIONS))).scalar()
    if held:
        raise RuntimeError(f"the audit log holds {held} settings change(s), which the "
                           "previous schema cannot hold, and the log is never erased")
    _allow(OLD_ACTIONS)
