"""The production server as a child process: gunicorn with the repository's gunicorn.conf.py
on a free loopback port, against the database given, started and stopped cleanly.

    with serving(database_url, log=path, workers=4) as server:
        ...   # server.url, http://127.0.0.1:PORT, answers /healthz
    server.process.returncode   # 0: it stopped cleanly

The server's output (access and error log) goes to `log`, never to a pipe nobody reads.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production process: this one's, plus the app's settings as
    RESIDENCY_* variables (the database, a random secret key unless given, and `settings`,
    e.g. SOLVE_QUEUE="rq")."""
    env = {**os.environ, "RESIDENCY_SQLALCHEMY_DATABASE_URI": database_url,
           "RESIDENCY_SECRET_KEY": secrets.token_hex(32)}
    env.update({f"RESIDENCY_{key}": value for key, value in settings.items()})
    return env


def wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Return once /healthz answers 200; raise if the server dies or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f} s")


def stop(process: subprocess.Popen, timeout: float = 40) -> int:
    """Stop a server or worker as systemd would: SIGTERM (finish what is in progress), then
    SIGKILL if it is still running after `timeout` seconds. Returns its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


@dataclass
class Server:
    url: str                    # http://127.0.0.1:PORT
    process: subprocess.Popen   # gunicorn's master process


@contextmanager
def serving(database_url: str, log: Path, workers: int = 2,
            env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run gunicorn with `workers` workers on a free loopback port until the block ends.
    `env` replaces the environment built by `app_environment(database_url)`."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG),
               "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env or app_environment(database_url),
                                   stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        wait_until_healthy(server.url, process)
        yield server
    finally:
        stop(process)
