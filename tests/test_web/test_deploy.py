"""Production serving and backups (docs/deploy.md), for real: `pg_dump -Fc` and `pg_restore`
into a fresh database; gunicorn worker processes on a loopback port, on PostgreSQL, with
failed sign-ins counted in Redis; and one secret key for workers that start together."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import requests
from sqlalchemy import make_url, text
from web_support import PASSWORD, POSTGRES, log_case, sign_in, type_id

from bench.database import scratch_database
from bench.load.server import app_environment, serving
from web import create_app
from web.app import _instance_secret
from web.extensions import db

# docs/deploy.md's check of a restore: every table of the schema with its number of rows.
ROW_COUNTS = (
    "SELECT table_name, (xpath('/row/n/text()', query_to_xml(format("
    "'SELECT count(*) AS n FROM %I.%I', table_schema, table_name), false, true, '')))[1]"
    "::text::bigint FROM information_schema.tables WHERE table_schema = 'public' "
    "AND table_type = 'BASE TABLE' ORDER BY 1")

only_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def libpq(url: str) -> str:
    """The database URL as PostgreSQL's own tools take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts(url: str) -> dict[str, int]:
    """Rows per table, by the documented `psql` command."""
    out = subprocess.run(["psql", "--no-psqlrc", "-At", "-d", libpq(url), "-c", ROW_COUNTS],
                         capture_output=True, text=True, check=True).stdout
    return {table: int(n) for table, n in (line.split("|") for line in out.splitlines())}


def form_token(page: str) -> str:
    """The CSRF token of the page's form."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in_over_http(session: requests.Session, base: str, email: str,
                      password: str = PASSWORD) -> requests.Response:
    """Sign in as a browser does: the form's CSRF token, then the post."""
    page = session.get(f"{base}/login", timeout=30)
    return session.post(f"{base}/login", allow_redirects=False, timeout=30,
                        data={"email": email, "password": password,
                              "csrf_token": form_token(page.text)})


def served_by(log, path: str) -> set[str]:
    """The worker processes that answered GETs of `path`, from the access log."""
    return set(re.findall(rf'"GET [^ "]*{re.escape(path)} HTTP/1.1" 200 .* worker <(\d+)>',
                          log.read_text()))


@pytest.fixture
def second_database():
    """An empty database to restore into; dropped afterwards."""
    with scratch_database(POSTGRES) as url:
        yield url


@only_postgresql
def test_a_backup_restores_every_row_and_the_app_runs_on_the_copy(
        app, client, cases, database_url, second_database, tmp_path):
    pid = cases["id"]
    sign_in(client, "ash@example.org")
    for code, attending in (("PICC", cases["faculty"]), ("PORT", 0), ("UFE", cases["faculty"])):
        page = log_case(client, pid, primary=str(type_id(app, code)), attending=str(attending))
        assert "Case logged" in page
    dump = tmp_path / "residency.dump"
    subprocess.run(["pg_dump", "-Fc", "--file", str(dump), libpq(database_url)], check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                    libpq(second_database), str(dump)], check=True)

    before, after = row_counts(database_url), row_counts(second_database)
    assert after == before
    assert before["case"] == 3 and before["alembic_version"] == 1
    same = [text(f"SELECT * FROM {table} ORDER BY 1")
            for table in ('"case"', "case_procedure", '"user"', "alembic_version")]
    with app.app_context():
        original = [db.session.execute(query).all() for query in same]
    restored = create_app({"TESTING": True, "SECRET_KEY": "test secret",
                           "SQLALCHEMY_DATABASE_URI": second_database})
    try:
        with restored.app_context():
            assert [db.session.execute(query).all() for query in same] == original
            db.session.remove()
        # Ash signs in on the restored copy: the three cases are there, and a fourth can be
        # logged (the id sequences came back with the rows).
        browser = restored.test_client()
        assert sign_in(browser, "ash@example.org").status_code == 302
        mine = browser.get(f"/programs/{pid}/my/cases").get_data(as_text=True)
        assert mine.count('name="case" value=') == 3
        assert "Case logged" in log_case(browser, pid, primary=str(type_id(restored, "PICC")))
        assert row_counts(second_database)["case"] == 4
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


@only_postgresql
def test_gunicorn_workers_serve_signed_in_pages_and_stop_cleanly(app, cases, database_url,
                                                                  tmp_path):
    log = tmp_path / "gunicorn.log"
    pid = cases["id"]
    with serving(database_url, log, workers=2) as server:
        browser = requests.Session()
        assert sign_in_over_http(browser, server.url, "ash@example.org").status_code == 302
        # The session holds on whichever worker takes the request: asked four at a time (a
        # sync worker serves one at once, so both take some), until both have answered.
        cookies = browser.cookies.get_dict()

        def schedule_page(_):
            return requests.get(f"{server.url}/programs/{pid}/my/schedule", timeout=30,
                                cookies=cookies, allow_redirects=False)

        with ThreadPoolExecutor(4) as pool:
            for _ in range(10):
                for page in pool.map(schedule_page, range(4)):
                    assert page.status_code == 200 and "My schedule" in page.text
                if len(served_by(log, "/my/schedule")) == 2:
                    break
        assert len(served_by(log, "/my/schedule")) == 2
        mine = f"{server.url}/programs/{pid}/my/cases"
        form = browser.get(mine, timeout=30).text
        logged = browser.post(mine, timeout=30, data={
            "csrf_token": form_token(form), "day": date.today().isoformat(),
            "primary": str(type_id(app, "PICC")), "role": "primary", "attending": "0",
            "complications": "none"})
        assert "Case logged" in logged.text
        assert logged.text.count('name="case" value=') == 1
    assert server.process.returncode == 0
    assert "Shutting down: Master" in log.read_text()


@only_postgresql
def test_failed_sign_ins_are_counted_across_servers_when_redis_keeps_them(
        app, make_user, database_url, tmp_path):
    make_user("ada.quill@example.org")
    env = app_environment(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                          RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
                          LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    with serving(database_url, tmp_path / "first.log", 1, env) as first, \
            serving(database_url, tmp_path / "second.log", 1, env) as second:
        for _ in range(3):
            wrong = sign_in_over_http(requests.Session(), first.url, "ada.quill@example.org",
                                      "not the password")
            assert wrong.status_code == 200 and "Wrong e-mail or password." in wrong.text
        # The fourth try, at the other server process, is refused: the count is shared.
        refused = sign_in_over_http(requests.Session(), second.url, "ada.quill@example.org",
                                    PASSWORD)
        assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert first.process.returncode == second.process.returncode == 0


def _make_key(start, folder: str, keys) -> None:
    start.wait()
    keys.put(_instance_secret(Path(folder)))


def test_workers_starting_together_without_a_configured_key_agree_on_one(tmp_path):
    """Four server workers start at the same moment on an installation with no secret key
    yet: each must read the same, whole key, or sessions signed by one would be refused by
    the others (and an empty key breaks every session)."""
    fork = multiprocessing.get_context("fork")
    for attempt in range(20):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        start, keys = fork.Barrier(4), fork.Queue()
        workers = [fork.Process(target=_make_key, args=(start, str(folder), keys))
                   for _ in range(4)]
        for worker in workers:
            worker.start()
        made = [keys.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert len(set(made)) == 1 and len(made[0]) == 64, made
        assert [p.name for p in folder.iterdir()] == ["secret_key"]
