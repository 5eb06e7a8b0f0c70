"""Generating a schedule in the browser: the solve runs in a worker process, its progress
and answer are in the database, and the published schedule survives anything a solve does."""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import timedelta

import pytest
import tomli_w
from sqlalchemy import select
from web_support import chief_imports, csrf_token

from bench.generate import generate
from web.extensions import db
from web.models import Program, Schedule, SolveJob
from web.schedules import solving

TINY = """
format = 1
[program]
name = "Tiny IR"
year_start = 2027-07-01
levels = ["R1", "R2"]
tracks = ["IR"]
vacation_weeks = 1

[[rotation]]
code = "IR"
min = 1
[[rotation]]
code = "DR"
min = 1
[[rotation]]
code = "SICU"
max = 1
levels = ["R2"]

[[resident]]
id = "ash"
name = "Ash Pellow"
level = "R1"
track = "IR"
[[resident]]
id = "bea"
name = "Bea Moranti"
level = "R2"
track = "IR"
[[resident]]
id = "cal"
name = "Cal Dunwich"
level = "R2"
track = "IR"

[[requirement]]
name = "R2 SICU"
levels = ["R2"]
rotation = "SICU"
exactly = 1

[[request]]
resident = "ash"
kind = "vacation"
weeks = [2027-12-20]
weight = 2
"""

# Two R2 residents each need a SICU block, but SICU is open to one resident in one block.
CONFLICT = TINY + """
[[rule]]
kind = "coverage"
rotation = "SICU"
max = 0
blocks = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
"""




def _generate(client, pid: int, **fields):
    path = f"/programs/{pid}/generate"
    return client.post(path, data={"time_limit": "20", **fields,
                                   "csrf_token": csrf_token(client, path)})


def _wait(app, job_id: int, timeout: float = 60) -> dict:
    with app.app_context():
        solving.wait(job_id, timeout)
    deadline = time.monotonic() + timeout
    with app.app_context():
        job = db.session.get(SolveJob, job_id)
        while job.active and time.monotonic() < deadline:
            time.sleep(0.2)
            db.session.expire_all()
            job = db.session.get(SolveJob, job_id)
        return {"state": job.state, "solver_status": job.solver_status,
                "schedule_id": job.schedule_id, "message": job.message}


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_generating_runs_in_a_worker_and_leaves_a_checked_draft(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    job_id = _job_id(_generate(client, pid))
    page = client.get(f"/programs/{pid}/jobs/{job_id}").get_data(as_text=True)
    assert "<title>Generating the block schedule · Solve #" in page and "plotly" in page
    assert "<h1>Generating the block schedule</h1>" in page
    done = _wait(app, job_id)
    assert done["state"] == "done" and done["solver_status"] == "OPTIMAL", done
    status = client.get(f"/programs/{pid}/jobs/{job_id}/status").get_json()
    assert status["progress"], "progress points were recorded"
    assert status["objective"] == 0 and status["best_bound"] == 0
    assert status["schedule_url"].endswith(f"/schedules/{done['schedule_id']}")
    with app.app_context():
        draft = db.session.get(Schedule, done["schedule_id"])
        assert draft.state == "draft" and draft.version is None
        rotations = draft.data["residents"]
        assert sorted(rotations) == ["ash", "bea", "cal"]
        assert rotations["bea"]["rotations"].count("SICU") == 1
        assert rotations["ash"]["vacation_weeks"] == [25]  # the week of 20 Dec 2027
    assert client.get(status["schedule_url"]).status_code == 200


def test_no_schedule_shows_the_conflict_in_words_with_links(app, client, make_user):
    pid = chief_imports(app, client, make_user, CONFLICT)
    job_id = _job_id(_generate(client, pid))
    done = _wait(app, job_id)
    assert done["solver_status"] == "INFEASIBLE" and done["schedule_id"] is None
    status = client.get(f"/programs/{pid}/jobs/{job_id}/status").get_json()
    sources = {c["source"] for c in status["conflicts"]}
    assert "requirement[0]" in sources and "rule[0]" in sources
    for conflict in status["conflicts"]:
        assert conflict["message"] and conflict["link"], conflict
        assert not re.search(r"\d{4}-\d\d-\d\d", conflict["message"])   # dates in words
    sicu = next(c for c in status["conflicts"] if c["source"].startswith("rotation[2]"))
    assert client.get(sicu["link"]).status_code == 200  # the SICU edit form


def test_a_program_with_errors_is_not_sent_to_the_solver(app, client, make_user):
    pid = chief_imports(app, client, make_user, TINY)
    with app.app_context():
        db.session.get(Program, pid).year_start = None
        db.session.commit()
    page = _generate(client, pid).get_data(as_text=True)
    assert "Cannot start: the program has errors" in page
    with app.app_context():
        assert db.session.scalar(select(SolveJob.id)) is None


@pytest.fixture
def big(app, client, make_user):
    """A 250-resident department: its solve runs long enough to watch, cancel or kill."""
    raw = generate(250, "months", 0)
    raw["program"]["name"] = "Tiny"
    return chief_imports(app, client, make_user, tomli_w.dumps(raw))


def _running(app, job_id: int, timeout: float = 60, schedule: bool = False,
             progress: bool = True) -> int:
    """Wait until the worker has started solving and reported progress (with `schedule`:
    found a schedule, not just a bound; without `progress`: only started); its process id."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.expire_all()
            job = db.session.get(SolveJob, job_id)
            found = any(point[1] is not None for point in job.progress or [])
            if job.state == "running" and job.worker_pid and (
                    not progress or job.progress and (found or not schedule)):
                return job.worker_pid
            assert job.state in ("queued", "running"), job.state
            time.sleep(0.2)
    raise AssertionError("the worker never started")


def test_a_second_solve_is_refused_and_cancel_keeps_the_best_draft(app, client, big):
    job_id = _job_id(_generate(client, big, time_limit="120"))
    _running(app, job_id, schedule=True)
    page = _generate(client, big).get_data(as_text=True)
    assert "already running" in page
    path = f"/programs/{big}/jobs/{job_id}"
    client.post(f"{path}/cancel", data={"csrf_token": csrf_token(client, path)})
    done = _wait(app, job_id, timeout=60)
    assert done["state"] in ("cancelled", "done"), done
    assert done["schedule_id"] is not None  # the best schedule found so far is kept


def test_a_killed_worker_fails_the_job_and_leaves_the_published_schedule(app, client, big):
    with app.app_context():
        published = Schedule(program_id=big, state="published", version=1,
                             data={"residents": {}, "status": "FEASIBLE"})
        db.session.add(published)
        db.session.commit()
        published_id, before = published.id, dict(published.data)
    app.config["SOLVE_STALE_AFTER"] = 2
    job_id = _job_id(_generate(client, big, time_limit="120"))
    os.kill(_running(app, job_id, progress=False), signal.SIGKILL)
    time.sleep(2.5)
    status = client.get(f"/programs/{big}/jobs/{job_id}/status").get_json()
    assert status["state"] == "failed"
    assert "stopped unexpectedly" in status["message"]
    with app.app_context():
        kept = db.session.get(Schedule, published_id)
        assert (kept.state, kept.version, kept.data) == ("published", 1, before)
    # The program is free again: the next solve starts (and is cancelled: that is all).
    again = _job_id(_generate(client, big, time_limit="120"))
    assert again != job_id
    _running(app, again, progress=False)
    path = f"/programs/{big}/jobs/{again}"
    client.post(f"{path}/cancel", data={"csrf_token": csrf_token(client, path)})
    assert _wait(app, again, timeout=90)["state"] in ("cancelled", "done")


def test_with_the_redis_queue_a_separate_worker_runs_the_solve(app, client, make_user,
                                                                database_url):
    """Production set-up: the web app only enqueues; `residency worker` (RQ) solves."""
    import subprocess
    import sys
    import uuid

    from redis import Redis

    queue_db = "redis://127.0.0.1:6379/9"
    Redis.from_url(queue_db).flushdb()
    app.config.update(SOLVE_QUEUE="rq", REDIS_URL=queue_db)
    pid = chief_imports(app, client, make_user, TINY)
    job_id = _job_id(_generate(client, pid))
    with app.app_context():
        assert db.session.get(SolveJob, job_id).state == "queued"  # nobody took it yet
    env = {**os.environ, "RESIDENCY_SQLALCHEMY_DATABASE_URI": database_url,
           "RESIDENCY_SOLVE_QUEUE": "rq", "RESIDENCY_REDIS_URL": queue_db,
           "RESIDENCY_SECRET_KEY": uuid.uuid4().hex}
    worker = subprocess.run([sys.executable, "-m", "web.cli", "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    done = _wait(app, job_id)
    assert done["state"] == "done" and done["solver_status"] == "OPTIMAL", done


def _published_then_asked(app, client, make_user, wanted: str | None):
    """TINY imported, solved and published as version 1; then, mid-year, an approved request
    puts Ash on `wanted` in block 9 (None: on IR or DR, whichever he was not on there).
    Returns the program's id and version 1's schedule."""
    from scheduler import load_program_text
    from solver.engine import SolveOptions, solve
    from web.models import Request

    pid = chief_imports(app, client, make_user, TINY)
    first = solve(load_program_text(TINY).program, SolveOptions(time_limit=10))
    if wanted is None:
        wanted = "IR" if first.residents["ash"].rotations[8] == "DR" else "DR"
    with app.app_context():
        db.session.add(Schedule(program_id=pid, state="published", version=1,
                                data=first.as_dict()))
        program = db.session.get(Program, pid)
        ash = next(r for r in program.residents if r.key == "ash")
        program.requests.append(Request(resident=ash, kind="assign", status="approved",
                                        details={"rotation": wanted, "blocks": [9]},
                                        position=99))
        db.session.commit()
    return pid, first


def test_mid_year_re_solve_keeps_the_frozen_blocks_and_shows_the_diff(app, client, make_user):
    pid, first = _published_then_asked(app, client, make_user, "DR")
    job_id = _job_id(_generate(client, pid, freeze_through="6"))
    done = _wait(app, job_id)
    assert done["state"] == "done" and done["schedule_id"], done
    with app.app_context():
        draft = db.session.get(Schedule, done["schedule_id"]).data["residents"]
        for rid, row in first.as_dict()["residents"].items():
            assert draft[rid]["rotations"][:6] == row["rotations"][:6], rid
        assert draft["ash"]["rotations"][8] == "DR"
        changed = sum(a != b for rid, row in first.as_dict()["residents"].items()
                      for a, b in zip(row["rotations"], draft[rid]["rotations"],
                                      strict=True))
    grid = client.get(f"/programs/{pid}/schedules/{done['schedule_id']}"
                      ).get_data(as_text=True)
    assert f"{changed} cell(s) differ from version 1" in grid
    diff = client.get(f"/programs/{pid}/schedules/{done['schedule_id']}/diff"
                      ).get_data(as_text=True)
    assert (f"{changed} cell(s) changed" in diff) if changed else ("No rotation changed"
                                                                   in diff)


def test_the_solve_page_says_which_blocks_a_re_solve_keeps(app, client, make_user):
    pid, _ = _published_then_asked(app, client, make_user, "DR")
    for kept, words in (("6", "Solve #{}, re-solving version 1 with blocks 1 to 6 kept;"),
                        ("1", "Solve #{}, re-solving version 1 with block 1 kept;"),
                        ("", "Solve #{}; started")):
        job_id = _job_id(_generate(client, pid, freeze_through=kept))
        _wait(app, job_id)
        page = client.get(f"/programs/{pid}/jobs/{job_id}").get_data(as_text=True)
        about = re.search(r'<p class="hint" id="job-about">(.*?)</p>', page, re.S)
        assert about is not None, page
        said = " ".join(re.sub(r"<[^>]+>", " ", about.group(1)).split())
        assert words.format(job_id) in said, said


def test_a_re_solved_draft_shows_one_penalty_on_its_grid_the_list_and_the_solve_page(
        app, client, make_user):
    # Ash is asked onto the rotation he was not on in block 9: a move with a cost
    pid, _ = _published_then_asked(app, client, make_user, None)
    job_id = _job_id(_generate(client, pid, freeze_through="6"))
    done = _wait(app, job_id)
    assert done["state"] == "done", done
    objective = _status(client, pid, job_id)["objective"]
    assert objective >= 1  # Ash's move from block 9's published rotation costs
    sid = done["schedule_id"]
    listed = client.get(f"/programs/{pid}/schedules").get_data(as_text=True)
    assert f'<td class="num">{objective}</td>' in listed
    grid = client.get(f"/programs/{pid}/schedules/{sid}").get_data(as_text=True)
    assert f"penalty {objective} ·" in grid
    # a hand edit says what it did to the hard rules, not only to the penalty
    with app.app_context():
        revision = db.session.get(Schedule, sid).revision
    page = client.post(f"/programs/{pid}/schedules/{sid}/cell", data={
        "resident": "bea", "block": "12", "rotation": "SICU", "revision": str(revision),
        "csrf_token": csrf_token(client, f"/programs/{pid}/schedules/{sid}")},
        follow_redirects=True).get_data(as_text=True)
    assert "hard rules broken 0 →" in page


def _status(client, pid: int, job_id: int) -> dict:
    return client.get(f"/programs/{pid}/jobs/{job_id}/status").get_json()


def test_solves_beyond_the_instances_limit_wait_in_line_and_a_cancelled_one_never_starts(
        app, client, big, make_user):
    """F3: with one solve at a time, a second program's solve waits with its place in line;
    cancelled while waiting it never gets a worker; it starts when the first one ends."""
    app.config["SOLVE_MAX_CONCURRENT"] = 1
    long_job = _job_id(_generate(client, big, time_limit="120"))
    _running(app, long_job, schedule=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    other = chief_imports(app, client, make_user, TINY.replace("Tiny IR", "Other IR"),
                          program="Other")
    waiting = _job_id(_generate(client, other))
    status = _status(client, other, waiting)
    assert status["state"] == "queued" and status["waiting"] and status["queue_position"] == 0
    path = f"/programs/{other}/jobs/{waiting}"
    client.post(f"{path}/cancel", data={"csrf_token": csrf_token(client, path)})
    with app.app_context():
        cancelled = db.session.get(SolveJob, waiting)
        assert (cancelled.state, cancelled.dispatched_at, cancelled.worker_pid,
                cancelled.started_at) == ("cancelled", None, None, None)

    again = _job_id(_generate(client, other))
    assert _status(client, other, again)["waiting"]
    with app.app_context():   # the first solve's chief cancels it: its worker ends ...
        db.session.get(SolveJob, long_job).cancel_requested = True
        db.session.commit()
    assert _wait(app, long_job, timeout=60)["state"] in ("cancelled", "done")
    done = _wait(app, again, timeout=90)   # ... and starts the one waiting
    assert done["state"] == "done", done
    with app.app_context():
        first, second = db.session.get(SolveJob, long_job), db.session.get(SolveJob, again)
        assert second.started_at >= first.finished_at - timedelta(seconds=1)


def test_a_solve_past_its_hard_time_limit_is_stopped_and_says_so(app, client, big):
    """F3: a worker that runs past its search time, the explanation time and the grace is
    ended (SIGALRM), and the job page says why."""
    # 20 s of search and 20 of explanation, less 38: the worker may run 2 s in all.
    app.config.update(SOLVE_GRACE_SECONDS=-38, SOLVE_STALE_AFTER=2)
    job_id = _job_id(_generate(client, big, time_limit="20"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = _status(client, big, job_id)
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert status["state"] == "failed", status
    assert "ran past its time limit" in status["message"]
