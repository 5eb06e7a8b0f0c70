"""Web-app fixtures: an app on a real database, migrated by Alembic, for SQLite and PostgreSQL.

Every test that takes `app` runs twice: on a fresh SQLite file, and on an empty PostgreSQL
database at the latest schema (RESIDENCY_TEST_POSTGRES names the server; default: the local
one on 127.0.0.1:5432). If no PostgreSQL server answers, the PostgreSQL runs fail: CI must
start one (`.ci/run` does).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import time
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from web_support import (
    PASSWORD,
    PAST,
    POSTGRES,
    csrf_token,
    program_id,
    publish_for_ash,
    sign_in,
    upload,
)

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web import create_app
from web.accounts import create_user, program_named
from web.extensions import db
from web.models import User

# Test databases are named after this host and the test process that made them, so that the
# ones a killed test process left behind can be found and dropped (`_drop_left_behind`).
HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def _database_name(kind: str) -> str:
    return f"residency_{kind}_{HOST}_{os.getpid()}_{uuid.uuid4().hex[:12]}"


def _drop_left_behind(server) -> None:
    """Drop the test databases of this host whose test process is no longer running."""
    with server.connect() as conn:
        names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :like"),
                             {"like": f"residency_%_{HOST}_%"}).scalars().all()
        for name in names:
            pid = int(name.split("_")[3])
            try:
                os.kill(pid, 0)
                continue                  # its process still runs
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except DBAPIError:
                pass                      # the other test process dropped it first


@pytest.fixture(scope="session")
def postgres_server():
    """An engine on the server's maintenance database, to create and drop test databases."""
    engine = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    _drop_left_behind(engine)
    yield engine
    engine.dispose()


def _migrate(url: str) -> None:
    """Bring the database at `url` to the latest schema with Alembic, and let go of it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test secret",
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server):
    """A PostgreSQL database migrated once; each test's database is created from it."""
    name = _database_name("template")
    with postgres_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _migrate(f"{POSTGRES}/{name}")
    yield name
    with postgres_server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _ReusedDatabase:
    """One PostgreSQL database per test process, made from the template once and handed to
    each test empty, under a new name.

    Creating a database from the template and dropping it after each test took about a
    second a test on a busy machine (each drop waits for a checkpoint); emptying the tables
    takes a twentieth of that. Renaming it first keeps a test from reaching the next one's
    data: whatever the last test left connected (a solve worker, a server) is cut off, and
    reconnecting finds no database of the old name. A test that changed the schema gets a
    new copy of the template instead."""

    def __init__(self, server, template: str):
        self.server, self.template = server, template
        self.name: str | None = None
        self.shape: tuple | None = None

    @staticmethod
    def _new_name() -> str:
        return _database_name("test")

    SHAPE = (  # what a test must not have changed (test_migrations goes down and up again)
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
        "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
        "ORDER BY 1, 2",
        "SELECT version_num FROM alembic_version",
    )

    @classmethod
    def _shape(cls, conn) -> tuple:
        """The schema: tables, columns, indexes, constraints, triggers, functions, revision."""
        return tuple(tuple(conn.execute(text(query)).all()) for query in cls.SHAPE)

    def _copy(self) -> None:
        self.name = self._new_name()
        with self.server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"'))

    def _renamed(self) -> bool:
        """The last test's database under a new name, its connections ended first."""
        new = self._new_name()
        with self.server.connect() as conn:
            for _ in range(100):
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"),
                             {"name": self.name})
                try:
                    conn.execute(text(f'ALTER DATABASE "{self.name}" RENAME TO "{new}"'))
                except OperationalError:   # a session is still ending
                    time.sleep(0.05)
                    continue
                self.name = new
                return True
        return False

    def _emptied(self) -> bool:
        """Every row deleted and every id sequence started again; False (nothing done) when
        the schema is not the template's, or the server's user may not turn off triggers
        (session_replication_role needs a superuser)."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                if self._shape(conn) != self.shape:
                    return False
                conn.execute(text("SET LOCAL session_replication_role = replica"))  # no triggers
                for (table,) in conn.execute(text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'")).all():
                    conn.execute(text(f'DELETE FROM "{table}"'))
                for (sequence,) in conn.execute(text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                        ).all():
                    conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
            return True
        except DBAPIError:
            return False
        finally:
            engine.dispose()

    @property
    def url(self) -> str:
        return f"{POSTGRES}/{self.name}"

    def fresh(self) -> str:
        """The URL of an empty database at the latest schema, for the next test."""
        if self.name is None:
            self._copy()
            engine = create_engine(self.url)
            with engine.connect() as conn:
                self.shape = self._shape(conn)
            engine.dispose()
        elif not (self._renamed() and self._emptied()):
            self.drop()
            self._copy()
        return self.url

    def drop(self) -> None:
        if self.name is not None:
            with self.server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.name = None


@pytest.fixture(scope="session")
def postgres_database(postgres_server, postgres_template):
    """This test process's PostgreSQL database (see _ReusedDatabase)."""
    reused = _ReusedDatabase(postgres_server, postgres_template)
    yield reused
    reused.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database at the latest schema: on SQLite a copy of a migrated template file,
    on PostgreSQL this process's database, emptied and renamed (the migrations themselves are
    tested in test_migrations)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database").fresh()


@pytest.fixture
def app_settings():
    """Settings a test module adds to the app's (a module overrides this fixture, e.g. to
    send mail to its SMTP server)."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_settings):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # scrypt as in production at a thirty-second of its cost: the tests sign in thousands
        # of times (test_auth checks that production keeps the full cost)
        "PASSWORD_HASH": "scrypt:1024:8:1",
        **app_settings,
    })
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user with a role in a program (both created when new); returns the e-mail."""

    def make(email: str, program: str = "Duke IR", role: str = "resident") -> str:
        with app.app_context():
            create_user(email, PASSWORD, program_named(program)[0], role)
            db.session.commit()
        return email

    return make


@pytest.fixture
def cases(app, client, make_user):
    """A program with a published schedule for this year, its case-log catalogue, resident
    Ash (ash@example.org) and two faculty (dr.quill@, dr.other@); nobody signed in."""
    make_user("chief@example.org", "Tiny", "chief")
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Tiny")
    response = upload(client, f"/programs/{pid}/import", "file", "past.toml", PAST)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    answer = solve(load_program_text(PAST).program, SolveOptions(time_limit=10))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("ash@example.org", "Tiny IR", "resident")
    make_user("dr.quill@example.org", "Tiny IR", "faculty")
    make_user("dr.other@example.org", "Tiny IR", "faculty")
    publish_for_ash(app, pid, answer)
    with app.app_context():
        rotation_today = answer.residents["ash"].rotations[
            load_program_text(PAST).program.calendar.block_of_day(date.today()) - 1]
        faculty = db.session.scalar(select(User.id).where(User.email == "dr.quill@example.org"))
    return {"id": pid, "rotation": rotation_today, "faculty": faculty, "schedule": answer}
