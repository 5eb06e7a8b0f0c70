"""ids never reused: every SQLite table with a whole-number id counts on from its highest id ever

Revision ID: 1d7a5e3c9b20
Revises: f4b8d2c6a1e9
Create Date: 2026-12-06 16:00:00

SQLite gives a new row the highest id in its table plus one, so once the newest row is
deleted its id is handed out again: a page loaded before the deletion (an edit form, a
"Delete" button, a decision) then acts on the new entry that took the number. With
AUTOINCREMENT, SQLite remembers the highest id it ever gave (in `sqlite_sequence`) and never
gives it twice, as PostgreSQL's sequences never do (there nothing changes).

SQLite cannot change a table's primary key in place, so each table is rebuilt from its own
stored definition with only `PRIMARY KEY (id)` changed to `PRIMARY KEY (id AUTOINCREMENT)`:
every column, check, foreign key and row is kept, and its indexes (partial ones included)
and triggers (the audit log's append-only guards) are made again from their stored text. The
migration environment turns foreign keys off while it runs (env.py), so dropping the old
table deletes nothing that refers to it. Ids already freed before the upgrade may be given
once more; none after it. It copies every row of every table: back up first, and allow the
time and the disk space of a second copy of the largest table (the cases).

A later revision that rebuilds a table on SQLite (a batch operation, or a table made anew)
must keep the counting: `table_kwargs={"sqlite_autoincrement": True}` on the batch, or
`sqlite_autoincrement=True` on the new table (test_migrations.py checks every table).
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '1d7a5e3c9b20'
down_revision = 'f4b8d2c6a1e9'
branch_labels = None
depends_on = None

PLAIN = r"PRIMARY KEY \((\w+)\)"
COUNTING = r"PRIMARY KEY \((\w+) AUTOINCREMENT\)"


def _tables(bind):
    """(name, stored CREATE TABLE text) of every table of the app (not SQLite's own, not
    Alembic's)."""
    return bind.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name <> 'alembic_version' ORDER BY name")).all()


def _integer_key(sql, pattern):
    """The primary key's column where `sql` declares it by `pattern` and it is one whole
    number column, else None."""
    key = re.search(pattern, sql)
    if key is None:
        return None
    column = re.search(rf'^\s*"?{key.group(1)}"? INTEGER\b', sql, re.MULTILINE)
    return key.group(1) if column else None


def _rebuild(bind, name, sql, definition):
    """Make table `name` again from the CREATE TABLE text `definition` (its stored `sql`
    with the key changed), keeping every row, index and trigger."""
    kept = bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE tbl_name = :name AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL"), {"name": name}).scalars().all()
    spare = f"_ids_{name}"
    header = re.match(r'\s*CREATE TABLE\s+("[^"]+"|\w+)', definition)
    assert header is not None, sql
    run = bind.exec_driver_sql   # the stored text as it is (no bound parameters read in it)
    # SQLite's driver commits a CREATE at once: a run stopped half-way left this table
    run(f'DROP TABLE IF EXISTS "{spare}"')
    run(f'CREATE TABLE "{spare}"' + definition[header.end():])
    run(f'INSERT INTO "{spare}" SELECT * FROM "{name}"')
    run(f'DROP TABLE "{name}"')       # its indexes and triggers go with it
    run(f'ALTER TABLE "{spare}" RENAME TO "{name}"')
    for statement in kept:
        run(statement)


def _rewrite(pattern, change):
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return   # PostgreSQL's sequences never give an id twice
    for name, sql in _tables(bind):
        column = _integer_key(sql, pattern)
        if column is not None:
            _rebuild(bind, name, sql, re.sub(pattern, change(column), sql, count=1))


def upgrade():
    _rewrite(PLAIN, lambda column: f"PRIMARY KEY ({column} AUTOINCREMENT)")


def downgrade():
    _rewrite(COUNTING, lambda column: f"PRIMARY KEY ({column})")
