"""Web-app fixtures: an app on a real database, migrated by Alembic, for SQLite and PostgreSQL.

Every test that takes `app` runs twice: on a fresh SQLite file, and on a fresh PostgreSQL
database (RESIDENCY_TEST_POSTGRES names the server; default: the local one on 127.0.0.1:5432).
If no PostgreSQL server answers, the PostgreSQL runs fail: CI must start one (`.ci/run` does).
"""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from web_support import PASSWORD, POSTGRES

from web import create_app
from web.accounts import create_user
from web.extensions import db


@pytest.fixture(scope="session")
def postgres_server():
    """An engine on the server's maintenance database, to create and drop test databases."""
    engine = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"residency_test_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{POSTGRES}/{name}"
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
    })
    with app.app_context():
        upgrade()
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
            create_user(email, PASSWORD, program, role)
            db.session.commit()
        return email

    return make
