"""End-to-end fixtures: the real app served on a free local port (over the demo data, on a
SQLite file), a real SMTP server for the e-mails it sends, and Debian's Chromium driven by
Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from smtp_inbox import smtp_server
from werkzeug.serving import make_server

from web import create_app
from web.demo import load_demo
from web.extensions import db

CHROMIUM = os.environ.get("RESIDENCY_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _app(path, **settings):
    return create_app({"SECRET_KEY": "end to end", "WTF_CSRF_TIME_LIMIT": None,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **settings})


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The demo loaded once (its solve is the slow part), as a SQLite file each test copies.
    Its year is solved to a proven optimum (about 12 s alone; the limit leaves room for a
    loaded machine), so a mid-year re-solve has nothing to gain by moving booked travel."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = _app(path)
    with app.app_context():
        upgrade()
        load_demo(time_limit=90)
        db.session.remove()
        db.engine.dispose()
    return path


@contextmanager
def _serving(tmp_path, demo_database, **settings):
    """A copy of the demo, served at a local address with `settings`: (base URL, app)."""
    for suffix in ("", "-wal", "-shm"):
        source = demo_database.with_name(demo_database.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"e2e.db{suffix}")
    app = _app(tmp_path / "e2e.db", **settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live(tmp_path, demo_database):
    """The demo, served at a local address; yields (base URL, app)."""
    with _serving(tmp_path, demo_database) as served:
        yield served


@pytest.fixture
def inbox():
    """A real SMTP server (aiosmtpd) on a free local port, and what it received."""
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
def live_with_mail(tmp_path, demo_database, inbox):
    """The demo served as by `live`, sending its e-mail to `inbox`; the links in them lead
    to it."""
    with _serving(tmp_path, demo_database, **inbox.settings()) as (base, app):
        app.config["PUBLIC_URL"] = base
        yield base, app


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 900},
                                   accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, accept_downloads=True)
    yield context.new_page()
    context.close()
