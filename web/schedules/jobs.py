"""The job queue that runs solves off the request thread.

`SOLVE_QUEUE = "process"` (the default, nothing to install): each solve runs in a new
process of its own (`python -m web.worker JOB_ID`), started from the web app.
`SOLVE_QUEUE = "rq"`: solves go to Redis (`REDIS_URL`) and `residency worker` processes take
them (RQ); this is the production set-up, with the solver on its own machine or processes.
Either way the worker runs `web.schedules.solving.run`, which writes everything to the database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db

QUEUE_NAME = "solves"


def dispatch_waiting() -> list[int]:
    """Send workers for waiting jobs, oldest first, while fewer than SOLVE_MAX_CONCURRENT
    solves run on this instance (with Redis every job goes to the queue at once: there the
    number of `residency worker` processes is the limit). The jobs are marked dispatched and
    committed before any worker starts, so two requests never send the same job. Returns
    the ids sent."""
    from ..models import SolveJob
    from ..models.columns import now
    from ..transaction import begin_writing

    begin_writing()   # one dispatcher at a time (PostgreSQL: an advisory lock)
    waiting = select(SolveJob).where(SolveJob.state == "queued",
                                     SolveJob.dispatched_at.is_(None)).order_by(SolveJob.id)
    if current_app.config.get("SOLVE_QUEUE", "process") == "rq":
        jobs = list(db.session.scalars(waiting))
    else:
        busy = db.session.scalar(select(func.count(SolveJob.id)).where(
            SolveJob.state.in_(("queued", "running")), SolveJob.dispatched_at.is_not(None)))
        free = int(current_app.config["SOLVE_MAX_CONCURRENT"]) - (busy or 0)
        jobs = list(db.session.scalars(waiting.limit(free))) if free > 0 else []
    for job in jobs:
        job.dispatched_at = now()
    # Outside the request's transaction boundary, like solving.start: a worker (another
    # process) must see the job as it is before it starts.
    db.session.commit()
    for job in jobs:
        dispatch(job.id)
    return [job.id for job in jobs]


def dispatch(job_id: int) -> None:
    """Hand a queued job to a worker."""
    if current_app.config.get("SOLVE_QUEUE", "process") == "rq":
        queue = rq_queue(current_app.config["REDIS_URL"])
        queue.enqueue("web.worker.perform", job_id, job_timeout=-1,
                      job_id=f"solve-{job_id}")
        return
    env = dict(os.environ)
    env["RESIDENCY_SQLALCHEMY_DATABASE_URI"] = db.engine.url.render_as_string(
        hide_password=False)
    # The worker solves under this instance's limits, whatever set them.
    for key in ("SOLVE_MEMORY_MB", "SOLVE_GRACE_SECONDS", "SOLVE_MAX_CONCURRENT"):
        env[f"RESIDENCY_{key}"] = str(current_app.config[key])
    process = subprocess.Popen([sys.executable, "-m", "web.worker", str(job_id)], env=env,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    # Reap the child when it ends, so no zombie is left behind.
    threading.Thread(target=process.wait, daemon=True).start()


def rq_queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
