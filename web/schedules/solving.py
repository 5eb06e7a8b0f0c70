"""Solve jobs: start one, run it in a worker, watch its progress, cancel it.

A solve never runs on the request thread. `start` records a job with the exact program file
to solve and hands its id to the job queue (`web.schedules.jobs`); a worker process runs
`run`, which writes the progress (objective and bound over time) and a heartbeat to the job
row about every half second and, at the end, saves the answer as a new **draft** schedule. Published
schedules are never touched by a solve, so a worker that dies leaves them as they were; `reap`
marks a job whose heartbeat stopped as failed, which also frees the program for the next solve.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from scheduler import load_program_text
from scheduler.schedule import parse_schedule, previous_errors
from solver.engine import Progress, SolveOptions, solve

from ..extensions import db
from ..models import Program, Schedule, SolveJob
from ..models.columns import aware, now
from ..program_file import export_toml, installation_limits, validate
from ..transaction import add_unique
from .services import solved_as

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
    add_unique(job, SolveError("a solve of this program is already running"))
    # The one commit outside the request's transaction boundary: the worker, another
    # process, must see the job before this request answers.
    db.session.commit()
    move_queue()
    return job


def queue_position(job: SolveJob) -> int:
    """How many solves wait before this one for a free solver (0: it is next, or running)."""
    if job.state != "queued" or job.dispatched_at is not None:
        return 0
    return db.session.scalar(select(func.count(SolveJob.id)).where(
        SolveJob.state == "queued", SolveJob.dispatched_at.is_(None),
        SolveJob.id < job.id)) or 0


def move_queue() -> None:
    """Free the places of solves whose worker died and start the waiting ones in them (a
    waiting job's page asks for this while it polls, so the queue moves even when the
    process that should have started the next solve is gone)."""
    from . import jobs

    for job in db.session.scalars(select(SolveJob).where(
            SolveJob.state.in_(("queued", "running")), SolveJob.dispatched_at.is_not(None))):
        reap(job)
    jobs.dispatch_waiting()


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
    elif job.state == "queued" and job.dispatched_at is not None \
            and current_app.config.get("SOLVE_QUEUE") != "rq":
        last, limit = job.dispatched_at, current_app.config["SOLVE_START_TIMEOUT"]
    else:
        return False
    if last is None or now() - aware(last) < timedelta(seconds=limit):
        return False
    job.state, job.finished_at = "failed", now()
    started = aware(job.started_at) if job.started_at is not None else None
    if started is not None and now() - started >= timedelta(seconds=hard_time_limit(job)):
        job.message = (f"the solve ran past its time limit ({job.time_limit:.0f} s, and "
                       "the time allowed for explanations) and was stopped; the published "
                       "schedule is unchanged")
    elif started is not None:
        job.message = ("the solver stopped unexpectedly (its worker was lost, or it needed "
                       f"more than this installation's {current_app.config['SOLVE_MEMORY_MB']}"
                       " MB of memory); the published schedule is unchanged — start the solve "
                       "again")
    else:
        job.message = ("no solve worker started; the published schedule is unchanged — check "
                       "the server's log and start the solve again")
    db.session.flush()
    return True


def hard_time_limit(job: SolveJob) -> float:
    """Seconds after which a solve's worker is stopped whatever it is doing: its search
    time, the time allowed for explanations, and SOLVE_GRACE_SECONDS to build and save."""
    settings = current_app.config["SOLVER_SETTINGS"].solver
    return (job.time_limit + min(job.time_limit, settings.explain_time_limit)
            + float(current_app.config["SOLVE_GRACE_SECONDS"]))


def limit_worker(job: SolveJob) -> None:
    """Bound this worker process: its address space (twice SOLVE_MEMORY_MB, plus 2 GB for
    the interpreter and libraries; CP-SAT itself stops its search at SOLVE_MEMORY_MB) and its
    time (SIGALRM ends it at `hard_time_limit`; the job page then says so)."""
    memory = int(current_app.config["SOLVE_MEMORY_MB"]) * 2 ** 20
    if memory > 0:
        wanted = 2 * memory + 2 * 2 ** 30
        _, ceiling = resource.getrlimit(resource.RLIMIT_AS)
        cap = wanted if ceiling == resource.RLIM_INFINITY else min(wanted, ceiling)
        resource.setrlimit(resource.RLIMIT_AS, (cap, ceiling))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(hard_time_limit(job)) + 1)


# -- the worker side ----------------------------------------------------------------------

def run(job_id: int) -> None:
    """Run one job to the end (in a worker process, inside an app context), then start the
    next waiting one in the place it frees."""

    try:
        _run(job_id)
    finally:
        db.session.rollback()
        move_queue()


def _run(job_id: int) -> None:
    job = db.session.get(SolveJob, job_id)
    if job is None or job.state != "queued":
        log.warning("job %s is not waiting to run; skipped", job_id)
        return
    job.state, job.started_at, job.heartbeat_at = "running", now(), now()
    job.worker_pid = os.getpid()
    db.session.commit()
    try:
        limit_worker(job)
        _solve(job)
    except Exception as exc:  # noqa: BLE001 - the job records any failure in words
        log.exception("solve job %s failed", job_id)
        db.session.rollback()
        job = db.session.get_one(SolveJob, job_id)
        job.state, job.finished_at = "failed", now()
        job.message = (f"the solve needed more than this installation's "
                       f"{current_app.config['SOLVE_MEMORY_MB']} MB of memory"
                       if isinstance(exc, MemoryError) else f"the solver failed: {exc}")
        db.session.commit()


# How a worker runs a job of each kind other than a block solve: the area that makes such
# jobs registers its runner when it is imported (the call schedule: `web.call.services`).
RUNNERS: dict[str, Callable[[SolveJob], None]] = {}


def _solve(job: SolveJob) -> None:
    if job.kind in RUNNERS:
        RUNNERS[job.kind](job)
        return
    loaded = load_program_text(job.program_toml, current_app.config["PROGRAM_FILE_MAX_BYTES"],
                               installation_limits())
    if loaded.program is None:
        raise ValueError("the saved program file is invalid: " + "; ".join(
            f"{e.path}: {e.message}" for e in loaded.errors[:3]))
    program = loaded.program
    previous = None
    if job.previous is not None:
        previous, unread = parse_schedule(job.previous.data)
        problems = previous_errors(program, previous, job.freeze_through) \
            if previous is not None else unread
        if problems:   # a rotation deleted since that version was published, say
            raise ValueError(f"{job.previous.label} cannot be kept: " + "; ".join(
                e.message for e in problems[:3]))
    settings = current_app.config["SOLVER_SETTINGS"].solver  # config.toml's [solver]
    stop = threading.Event()
    options = SolveOptions(time_limit=job.time_limit, previous=previous,
                           freeze_through=job.freeze_through, stop=stop,
                           workers=settings.workers,
                           memory_mb=int(current_app.config["SOLVE_MEMORY_MB"]),
                           explain_time_limit=min(job.time_limit, settings.explain_time_limit))
    beat = Heartbeat(current_app._get_current_object(),  # type: ignore[attr-defined]
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
        data = schedule.as_dict()
        if job.previous_id is not None:  # re-solved: its penalty counts moves from there
            data["previous_id"], data["freeze_through"] = job.previous_id, job.freeze_through
        data["solved"] = solved_as(data)
        draft = Schedule(program_id=job.program_id, data=data,
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


class Heartbeat:
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
        if reap(job):
            db.session.commit()   # not a request: the command line's or a test's own session
            return job
        if not job.active or time.monotonic() > deadline:
            return job
        time.sleep(0.2)
