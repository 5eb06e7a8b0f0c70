"""Many rows in one statement, for imports and running tallies.

On PostgreSQL many rows go through COPY into a scratch table and then one INSERT ... SELECT:
several times faster than rows of VALUES. A few rows (a case logged from a form) and every
SQLite write go as batches of VALUES. Either way a conflict on a unique key can skip the
row or add to a count, and the new rows' columns can come back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, text

from .extensions import db
from .models.columns import insert_on_conflict

BATCH = 5_000
COPY_FROM = 500   # rows; fewer go as VALUES (a scratch table costs a few ms)


def copies(count: int) -> bool:
    """Whether `count` rows go by COPY (PostgreSQL, many rows)."""
    return count >= COPY_FROM and db.session.get_bind().dialect.name == "postgresql"


def scratch(name: str, definition: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: a temporary table `name` (dropped at commit) made by `definition` (its
    columns in brackets, or `AS SELECT ... WITH NO DATA`), filled with `rows` by COPY."""
    db.session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{name}"))
    db.session.execute(text(f"CREATE TEMP TABLE {name} {definition} ON COMMIT DROP"
                            if definition.startswith("(") else
                            f"CREATE TEMP TABLE {name} ON COMMIT DROP {definition}"))
    columns = list(rows[0])
    _copy(name, ", ".join(f'"{c}"' for c in columns), columns, rows)


def insert(table: Table, rows: list[dict[str, Any]], *, key: tuple[str, ...] = (),
           add: str = "", returning: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Insert `rows` (dicts with the same columns) into `table`. With `key` (a unique key's
    columns) a row that conflicts is skipped, or, with `add`, adds its `add` column to the
    existing row's. Returns the `returning` columns of the rows inserted (any order)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    if copies(len(rows)):
        return _copy_in(table, rows, key, add, returning)
    statement = insert_on_conflict(dialect, table)
    if key:
        statement = (statement.on_conflict_do_update(
            index_elements=list(key), set_={add: table.c[add] + statement.excluded[add]})
            if add else statement.on_conflict_do_nothing(index_elements=list(key)))
    if returning:
        statement = statement.returning(*(table.c[c] for c in returning))
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), BATCH):
        result = db.session.execute(statement, rows[start:start + BATCH])
        if returning:
            found.extend(tuple(r) for r in result)
    return found


def _copy_in(table: Table, rows: list[dict[str, Any]], key: tuple[str, ...], add: str,
             returning: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """PostgreSQL: COPY the rows into a scratch table (dropped at commit), then one INSERT."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    rows_in = f"bulk_{table.name}"
    scratch(rows_in, f'AS SELECT {names} FROM "{table.name}" WITH NO DATA', rows)
    sql = f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {rows_in}'
    if key:
        target = ", ".join(f'"{c}"' for c in key)
        sql += (f' ON CONFLICT ({target}) DO UPDATE SET "{add}" = "{table.name}"."{add}" '
                f'+ EXCLUDED."{add}"' if add else f" ON CONFLICT ({target}) DO NOTHING")
    if returning:
        sql += " RETURNING " + ", ".join(f'"{c}"' for c in returning)
    result = db.session.execute(text(sql))
    return [tuple(r) for r in result] if returning else []


def _copy(target: str, names: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    driver = db.session.connection().connection.driver_connection
    assert driver is not None  # a live connection from the pool
    cursor = driver.cursor()
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
