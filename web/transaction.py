"""One request, one transaction.

A request's changes are committed in one place: `in_one_transaction` wraps every view (the
page guard `access.program_page` and the API guard apply it; the few views outside a program
carry it themselves). It commits when the view returns normally, whatever page it answers
with, and rolls back when the view raises. Views and services never commit or roll back; the
one documented exception is the solve job, which a worker process must see before the
response goes out (`solving.start`).

A change that may be refused (a set-up edit the program would not stay valid with, a case
the checks turn down) runs inside `refusable`: a savepoint, so a refusal undoes that change
alone and keeps whatever else the request did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from .extensions import db

View = TypeVar("View", bound=Callable[..., Any])


def in_one_transaction(view: View) -> View:
    """Commit the request's changes when `view` returns, roll them all back if it raises."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        from .notify import drop_queued, send_queued

        try:
            answer = view(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            drop_queued()
            raise
        try:
            db.session.commit()
        except BaseException:
            drop_queued()
            raise
        send_queued()          # e-mails of notifications, now that their change is saved
        return answer

    return run  # type: ignore[return-value]


class Refusal:
    """Handed to the body of `refusable`: `refuse()` undoes what the body changed."""

    def __init__(self) -> None:
        self.refused = False

    def refuse(self) -> None:
        self.refused = True


@contextmanager
def refusable() -> Iterator[Refusal]:
    """Run a change that may be refused inside a savepoint: when the body calls
    `refuse()` or raises, its changes (in the database and on the loaded objects) are undone
    and the rest of the request's changes stay."""
    from .notify import drop_queued, queued

    _begin_sqlite_transaction()
    savepoint = db.session.begin_nested()
    refusal = Refusal()
    mails = len(queued())
    try:
        yield refusal
    except BaseException:
        # Also when a failed flush has already made the savepoint inactive: rolling it back
        # is what lets the session (and the rest of the request) go on.
        savepoint.rollback()
        drop_queued(mails)
        raise
    if refusal.refused:
        savepoint.rollback()
        drop_queued(mails)
    else:
        savepoint.commit()


def add_unique(row: Any, refused: Exception) -> None:
    """Add `row` and flush it, in a savepoint: when one of the database's unique rules turns
    it down (another request took that place at the same moment), only this step is undone
    and `refused` (an error that says so in words) is raised."""
    try:
        with refusable():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as exc:
        # SQLite: "UNIQUE constraint failed"; PostgreSQL: "... violates unique constraint"
        if "unique" not in str(exc.orig).lower():
            raise
        raise refused from exc


def begin_writing(lock: int = 1) -> None:
    """Take the database's write lock for the rest of the request's transaction: SQLite's
    (BEGIN IMMEDIATE), or on PostgreSQL the advisory lock `lock`, so that two requests doing
    the same bookkeeping (the solve queue) take turns."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(lock)})")
    else:
        _begin_sqlite_transaction()


def _begin_sqlite_transaction() -> None:
    """Python's sqlite3 driver (before 3.12) begins a transaction only in front of an INSERT,
    UPDATE or DELETE. A SAVEPOINT sent before any of those would begin one itself, and its
    RELEASE would then commit everything so far, before the request ends. So on SQLite the
    request's write transaction is begun first (IMMEDIATE: it takes the write lock now, so
    what the savepoint reads cannot go stale before it writes)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


Service = TypeVar("Service", bound=Callable[..., Any])


def kept_if_ok(service: Service) -> Service:
    """Decorate a service whose answer says whether the change was accepted (an outcome with
    `ok`, or a tuple ending in one): its changes are kept only when it was, and undone when it
    raises (an AccountError, say) — the rest of the request's changes stay either way."""

    @wraps(service)
    def run(*args: Any, **kwargs: Any) -> Any:
        with refusable() as refusal:
            answer = service(*args, **kwargs)
            outcome = answer[-1] if isinstance(answer, tuple) else answer
            if not getattr(outcome, "ok", True):
                refusal.refuse()
        return answer

    return run  # type: ignore[return-value]
