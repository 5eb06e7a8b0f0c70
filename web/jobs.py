"""The job queue that runs solves off the request thread.

`SOLVE_QUEUE = "process"` (the default, nothing to install): each solve runs in a new
process of its own (`python -m web.worker JOB_ID`), started from the web app.
`SOLVE_QUEUE = "rq"`: solves go to Redis (`REDIS_URL`) and `residency worker` processes take
them (RQ); this is the production set-up, with the solver on its own machine or processes.
Either way the worker runs `web.solving.run`, which writes everything to the database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from flask import current_app

from .extensions import db

QUEUE_NAME = "solves"


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
    process = subprocess.Popen([sys.executable, "-m", "web.worker", str(job_id)], env=env,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    # Reap the child when it ends, so no zombie is left behind.
    threading.Thread(target=process.wait, daemon=True).start()


def rq_queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
