"""Faults: PostgreSQL restarting while residents log cases (clear errors, no partial rows, the
app recovers by itself), and two chiefs editing the same draft (the second is told, nothing is
lost). The solve worker killed mid-solve is in test_solving; migrations in test_migrations."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from test_schedule_pages import _block_of, _change
from test_solving import TINY
from web_support import (
    PAST,
    chief_imports,
    csrf_token,
    log_case,
    program_id,
    publish_for_ash,
    sign_in,
    solved_draft,
    type_id,
    upload,
)

from scheduler import load_program_text
from solver.engine import SolveOptions, solve
from web import create_app
from web.accounts import create_user, program_named
from web.extensions import db
from web.models import Case, CaseProcedure, Schedule

PG_BIN = Path("/usr/lib/postgresql") / (sorted(os.listdir("/usr/lib/postgresql"))[-1]
                                        if Path("/usr/lib/postgresql").exists() else "") / "bin"


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL's programs refuse to run as root: run them as the postgres account."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnServer:
    """A PostgreSQL server of this test's own (its own data folder and port), so restarting it
    disturbs nothing else."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="residency-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(_as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                                    "-U", "postgres", "--no-sync"),
                       check=True, capture_output=True)
        self.ctl("start", "-w", "-o", f"-p {self.port} -k {self.folder} -c fsync=off")

    def ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data),
                                    "-l", str(self.folder / "log"), *args),
                       check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL's server programs are not in {PG_BIN}: install postgresql")
    server = OwnServer()
    yield server
    server.stop()


def test_a_postgres_restart_while_residents_log_cases_loses_nothing_accepted(own_postgres):
    app = create_app({"TESTING": True, "SECRET_KEY": "test secret",
                      "SQLALCHEMY_DATABASE_URI": own_postgres.url})
    client = app.test_client()
    with app.app_context():
        upgrade()
        create_user("chief@example.org", "correct horse battery", program_named("Tiny")[0], "chief")
        db.session.commit()
    sign_in(client, "chief@example.org")
    pid = program_id(app, "Tiny")
    assert upload(client, f"/programs/{pid}/import", "file", "past.toml",
                  PAST).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        program = program_named("Tiny IR")[0]
        create_user("ash@example.org", "correct horse battery", program, "resident")
        db.session.commit()
    publish_for_ash(app, pid, solve(load_program_text(PAST).program,
                                    SolveOptions(time_limit=10)))
    sign_in(client, "ash@example.org")
    primary, other = str(type_id(app, "EMBO-TUMOR")), str(type_id(app, "ANGIO-ARTERIAL"))

    restarted = threading.Event()

    def restart() -> None:
        time.sleep(1.0)
        own_postgres.ctl("restart", "-m", "fast", "-w")
        restarted.set()

    outcomes: list[int] = []
    messages: set[str] = set()
    form = {"day": time.strftime("%Y-%m-%d"), "role": "primary", "attending": "0",
            "complications": "none", "primary": primary, "others": [other],
            "csrf_token": csrf_token(client, f"/programs/{pid}/my/cases")}
    restarter = threading.Thread(target=restart)
    restarter.start()
    deadline = time.monotonic() + 60
    # Log cases one after another, through the restart, until one is accepted after it.
    while time.monotonic() < deadline:
        response = client.post(f"/programs/{pid}/my/cases", data=form)
        outcomes.append(response.status_code)
        if response.status_code != 302:
            messages.add(response.get_data(as_text=True))
        elif restarted.is_set():
            break
        time.sleep(0.02)
    restarter.join()

    print("outcomes:", outcomes)
    accepted = outcomes.count(302)
    refused = [s for s in outcomes if s != 302]
    assert set(refused) <= {503}, outcomes          # a clear "try again", never a crash
    assert refused, "the restart should have refused at least one case"
    assert all("nothing from this request was saved" in m for m in messages)
    assert outcomes[-1] == 302                      # recovered without restarting the app
    with app.app_context():
        cases = db.session.scalar(select(func.count(Case.id)))
        procedures = db.session.scalar(select(func.count(CaseProcedure.id)))
        bare = db.session.scalar(select(func.count(Case.id)).where(
            ~Case.procedures.any()))
        # Every accepted case is there, each whole (two procedures, none without); a case
        # whose commit the server took just as it stopped may be there although refused.
        assert accepted <= cases <= accepted + 1
        assert (procedures, bare) == (2 * cases, 0)
    # The app answers normally again, pages included.
    page = log_case(client, pid, primary=primary)
    assert "Case logged" in page
    with app.app_context():       # close the pool before the server goes: no connection left
        db.engine.dispose()


def test_two_chiefs_editing_one_draft_the_second_is_told_and_nothing_is_lost(
        app, make_user):
    first, second = app.test_client(), app.test_client()
    pid = chief_imports(app, first, make_user, TINY)
    make_user("second.chief@example.org", "Tiny IR", "chief")
    sign_in(second, "second.chief@example.org")
    sid = solved_draft(app, pid, TINY)
    grid = f"/programs/{pid}/schedules/{sid}"
    revision = re.search(r'name="revision" value="(\d+)"',
                         second.get(grid).get_data(as_text=True)).group(1)
    ash_ir = _block_of(app, sid, "ash", "IR")
    page = _change(first, pid, sid, "ash", ash_ir, "DR")
    assert "someone else changed" not in page
    # The second chief still has the page from before the first chief's change.
    bea = 1 if ash_ir != 1 else 2
    kept = _rotation(app, sid, "bea", bea)
    page = _change(second, pid, sid, "bea", bea, "DR" if kept != "DR" else "IR",
                   revision=revision)
    assert "someone else changed this draft meanwhile" in page
    assert (_rotation(app, sid, "ash", ash_ir), _rotation(app, sid, "bea", bea)) == ("DR", kept)
    # Reloaded, the second chief's change goes in on top of the first's.
    page = _change(second, pid, sid, "bea", bea, "DR" if kept != "DR" else "IR")
    assert "someone else changed" not in page
    assert _rotation(app, sid, "ash", ash_ir) == "DR"
    assert _rotation(app, sid, "bea", bea) != kept


def _rotation(app, sid: int, resident: str, block: int) -> str:
    with app.app_context():
        return db.session.get(Schedule, sid).data["residents"][resident]["rotations"][block - 1]
