"""Web-app fixtures: an app on a real database, migrated by Alembic, for SQLite and PostgreSQL.

Every test that takes `app` runs twice: on a fresh SQLite file, and on a fresh PostgreSQL
database (RESIDENCY_TEST_POSTGRES names the server; default: the local one on 127.0.0.1:5432).
If no PostgreSQL server answers, the PostgreSQL runs fail: CI must start one (`.ci/run` does).
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
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


@pytest.fixture(scope="session")
def postgres_server():
    """An engine on the server's maintenance database, to create and drop test databases."""
    engine = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
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
    name = f"residency_template_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _migrate(f"{POSTGRES}/{name}")
    yield name
    with postgres_server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh database at the latest schema (a copy of a migrated template: the migrations
    themselves are tested in test_migrations)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template")
    name = f"residency_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield f"{POSTGRES}/{name}"
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
