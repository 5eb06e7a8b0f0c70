"""End-to-end fixtures: the real app served on a free local port (over the demo data, on a
SQLite file), and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from web import create_app
from web.demo import load_demo
from web.extensions import db

CHROMIUM = os.environ.get("RESIDENCY_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _app(path):
    return create_app({"SECRET_KEY": "end to end", "WTF_CSRF_TIME_LIMIT": None,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The demo loaded once (its solve is the slow part), as a SQLite file each test copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = _app(path)
    with app.app_context():
        upgrade()
        load_demo(time_limit=20)
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def live(tmp_path, demo_database):
    """The demo, served at a local address; yields (base URL, app)."""
    for suffix in ("", "-wal", "-shm"):
        source = demo_database.with_name(demo_database.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / f"e2e.db{suffix}")
    app = _app(tmp_path / "e2e.db")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


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
