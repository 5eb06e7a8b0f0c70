"""Solve jobs: start one, run it in a worker, watch its progress, cancel it.

A solve never runs on the request thread. `start` records a job with the exact program file
to solve and hands its id to the job queue (`web.jobs`); a worker process runs `run`, which
writes the progress (objective and bound over time) and a heartbeat to the job row about
every half second and, at the end, saves the answer as a new **draft** schedule. Published
schedules are never touched by a solve, so a worker that dies leaves them as they were; `reap`
marks a job whose heartbeat stopped as failed, which also frees the program for the next solve.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from scheduler import load_program_text
from scheduler.schedule import parse_schedule
from solver.engine import Progress, SolveOptions, solve

from .extensions import db
from .models import Program, Schedule, SolveJob
from .models.columns import now
from .program_file import export_toml, validate
from .transaction import refusable

log = logging.getLogger(__name__)

BEAT = 0.5  # seconds between progress writes and cancel checks in the worker


class SolveError(ValueError):
    """A solve that cannot start; says why."""


def active_job(program: Program) -> SolveJob | None:
    """The program's queued or running job, after reaping one whose worker died."""
    job = db.session.scalar(select(SolveJob).where(
        SolveJob.program_id == program.id, SolveJob.state.in_(("queued", "running"))))
    if job is not None and reap(job):
        return None
    return job


def start(program: Program, user, time_limit: float, previous: Schedule | None = None,
          freeze_through: int = 0) -> SolveJob:
    """Queue a solve of the program as it is now. Refused while another solve of the same
    program is queued or running, or when the program is not valid. Commits (the worker
    must see the job), then dispatches it."""
    from . import jobs

    check = validate(program)
    if not check.ok:
        raise SolveError("the program has errors; fix them first: " + "; ".join(
            f"{e.path}: {e.message}" for e in check.errors[:5]))
    if active_job(program) is not None:
        raise SolveError("a solve of this program is already running; wait for it or "
                         "cancel it")
    if previous is not None and previous.program_id != program.id:
        raise SolveError("the previous schedule belongs to another program")
    job = SolveJob(program=program, created_by=user, program_toml=export_toml(program),
                   time_limit=time_limit, previous=previous, freeze_through=freeze_through)
    try:
        with refusable():
            db.session.add(job)
            db.session.flush()
    except IntegrityError as exc:  # another request started one at the same moment
        raise SolveError("a solve of this program is already running") from exc
    # The one commit outside the request's transaction boundary: the worker, another
    # process, must see the job before this request answers.
    db.session.commit()
    jobs.dispatch(job.id)
    return job


def cancel(job: SolveJob) -> None:
    """Ask the worker to stop; it keeps the best schedule found so far as a draft. A job
    no worker has taken yet is cancelled at once. Flushes."""
    if job.state == "queued":
        job.state, job.finished_at = "cancelled", now()
    elif job.state == "running":
        job.cancel_requested = True
    db.session.flush()


def reap(job: SolveJob) -> bool:
    """Mark the job failed if its worker stopped beating (killed, machine restarted, ...),
    or if no worker took it up in time (embedded queue only: with Redis a job may wait for
    a free worker). Returns whether it did. Flushes."""
    if job.state == "running":
        last, limit = job.heartbeat_at or job.started_at, current_app.config["SOLVE_STALE_AFTER"]
    elif job.state == "queued" and current_app.config.get("SOLVE_QUEUE") != "rq":
        last, limit = job.created_at, current_app.config["SOLVE_START_TIMEOUT"]
    else:
        return False
    if last is None:
        return False
    if last.tzinfo is None:  # SQLite gives naive datetimes back
        last = last.replace(tzinfo=now().tzinfo)
    if now() - last < timedelta(seconds=limit):
        return False
    job.state, job.finished_at = "failed", now()
    job.message = ("the solver stopped unexpectedly (its worker was lost); the published "
                   "schedule is unchanged — start the solve again" if job.started_at else
                   "no solve worker started; the published schedule is unchanged — check "
                   "the server's log and start the solve again")
    db.session.flush()
    return True


# -- the worker side ----------------------------------------------------------------------

def run(job_id: int) -> None:
    """Run one job to the end (in a worker process, inside an app context)."""
    job = db.session.get(SolveJob, job_id)
    if job is None or job.state != "queued":
        log.warning("job %s is not waiting to run; skipped", job_id)
        return
    job.state, job.started_at, job.heartbeat_at = "running", now(), now()
    job.worker_pid = os.getpid()
    db.session.commit()
    try:
        _solve(job)
    except Exception as exc:  # noqa: BLE001 - the job records any failure in words
        log.exception("solve job %s failed", job_id)
        db.session.rollback()
        job = db.session.get_one(SolveJob, job_id)
        job.state, job.finished_at = "failed", now()
        job.message = f"the solver failed: {exc}"
        db.session.commit()


def _solve(job: SolveJob) -> None:
    loaded = load_program_text(job.program_toml)
    if loaded.program is None:
        raise ValueError("the saved program file is invalid: " + "; ".join(
            f"{e.path}: {e.message}" for e in loaded.errors[:3]))
    program = loaded.program
    previous = None
    if job.previous is not None:
        previous, _ = parse_schedule(job.previous.data)
    settings = current_app.config["SOLVER_SETTINGS"].solver  # config.toml's [solver]
    stop = threading.Event()
    options = SolveOptions(time_limit=job.time_limit, previous=previous,
                           freeze_through=job.freeze_through, stop=stop,
                           workers=settings.workers,
                           explain_time_limit=min(job.time_limit, settings.explain_time_limit))
    beat = _Heartbeat(current_app._get_current_object(),  # type: ignore[attr-defined]
                      job.id, stop)
    beat.start()
    try:
        schedule = solve(program, options, on_progress=beat.record)
    finally:
        beat.finish()
    job = db.session.get_one(SolveJob, job.id)
    db.session.refresh(job)
    job.progress = beat.points()
    job.solver_status = schedule.status
    job.objective, job.best_bound = schedule.objective, schedule.best_bound
    job.conflicts, job.explanation = schedule.conflicts, schedule.explanation
    if schedule.residents:
        draft = Schedule(program_id=job.program_id, data=schedule.as_dict(),
                         created_by_id=job.created_by_id,
                         note=_note(job, schedule.status))
        db.session.add(draft)
        db.session.flush()
        job.schedule_id = draft.id
    job.state = "cancelled" if job.cancel_requested and schedule.status != "OPTIMAL" \
        else "done"
    job.finished_at = now()
    db.session.commit()


def _note(job: SolveJob, status: str) -> str:
    made = "re-solved from block " + str(job.freeze_through + 1) if job.freeze_through \
        else "generated"
    return f"{made} ({status.lower()})"


class _Heartbeat:
    """Collects progress points from the solver's threads and, from its own thread, writes
    them with a heartbeat every BEAT seconds; sets `stop` when the job is cancelled."""

    def __init__(self, app, job_id: int, stop: threading.Event):
        self.app, self.job_id, self.stop = app, job_id, stop
        self.lock = threading.Lock()
        self._points: list[list[Any]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"job-{job_id}", daemon=True)

    def record(self, progress: Progress) -> None:
        with self.lock:
            self._points.append([round(progress.wall_time_s, 3), progress.objective,
                                 progress.bound])

    def points(self) -> list[list[Any]]:
        with self.lock:
            return list(self._points)

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.done.set()
        self.thread.join()

    def _loop(self) -> None:
        with self.app.app_context():
            while not self.done.wait(BEAT):
                try:
                    job = db.session.get_one(SolveJob, self.job_id)
                    db.session.refresh(job)
                    job.heartbeat_at = now()
                    job.progress = self.points()
                    if job.cancel_requested:
                        self.stop.set()
                    db.session.commit()
                except Exception:  # noqa: BLE001 - a missed beat is retried next time
                    log.exception("heartbeat of job %s failed", self.job_id)
                    db.session.rollback()
            db.session.remove()


def wait(job_id: int, timeout: float = 60.0) -> SolveJob:
    """Block until the job has finished (for the command line and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get_one(SolveJob, job_id)
        if not job.active or reap(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
