"""A throw-away database for a web benchmark: a new PostgreSQL database on the server named
(dropped afterwards, also when the benchmark fails), or an SQLite file in a temporary folder."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_database(postgres: str = "") -> Iterator[str]:
    """Yield the database URL; `postgres` is a server URL such as
    postgresql+psycopg://postgres@127.0.0.1:5432 (empty: SQLite)."""
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text

    name = f"residency_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{postgres}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{postgres}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
