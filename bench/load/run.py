"""The web app under load (issue 5): a department of residents logging cases all at once.

Makes a scratch PostgreSQL database, migrates it and seeds a department (`bench.load.seed`:
an account for each of `--users` residents, two program directors, four faculty, a
published schedule, the case catalogue and some cases already logged), serves it with
gunicorn (`--workers` sync workers, gunicorn.conf.py, sign-in throttling in Redis as in
production) on a free loopback port, and runs Locust headless (bench/load/locustfile.py) for
`--run-time`. Then it checks that the database holds exactly the cases the server accepted,
and prints a Markdown report, also written to `--out`. The exit status is 0 only if no
request failed and no case was lost or doubled. Everything started is stopped, and the
database dropped, also when the run fails.

    python -m bench.load.run [--users 50] [--run-time 5m] [--workers 4] [--out out/load.md]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from .server import ROOT, app_environment, serving

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


def seconds(timespan: str) -> int:
    """Locust's run-time syntax in seconds: '90', '15s', '5m', '1h30m'."""
    if timespan.isdigit():
        return int(timespan)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", timespan.strip())
    if not parts or not any(parts.groups()):
        raise argparse.ArgumentTypeError(f"not a time span: {timespan!r} (e.g. 15s, 5m)")
    hours, minutes, secs = (int(p or 0) for p in parts.groups())
    return hours * 3600 + minutes * 60 + secs


def run_time(timespan: str) -> str:
    """A --run-time Locust understands (checked here, so a typo fails before any set-up)."""
    seconds(timespan)
    return timespan


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="residents signed in at once")
    parser.add_argument("--run-time", default="5m", type=run_time,
                        help="how long the load lasts (5m, 15s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--history", type=int, default=10,
                        help="cases each resident has logged before the load")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "load.md")
    parser.add_argument("--postgres", default=os.environ.get("RESIDENCY_TEST_POSTGRES", POSTGRES),
                        help="the PostgreSQL server the scratch database is made on")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                        help="Redis for sign-in throttling and the solve queue")
    return parser.parse_args(argv)


def run_locust(args: argparse.Namespace, host: str, folder: Path, users: int) -> int:
    """Locust headless against `host`; its results are <folder>/locust_*.csv and tally.json;
    returns its exit status."""
    env = {**os.environ, "LOAD_PLAN": str(folder / "plan.json"),
           "LOAD_TALLY": str(folder / "tally.json"), "LOAD_STATS": str(folder / "locust")}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
               "-u", str(users), "-r", str(args.spawn_rate), "--run-time", args.run_time,
               "--stop-timeout", "30", "--host", host, "--only-summary",
               "--loglevel", "WARNING"]
    with open(folder / "locust.log", "wb") as log:
        done = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              stdout=log, stderr=subprocess.STDOUT,
                              timeout=seconds(args.run_time) + 180)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    from bench.database import scratch_database

    with scratch_database(args.postgres) as url, \
            tempfile.TemporaryDirectory(prefix="residency-load-") as tmp:
        return load(args, url, Path(tmp))


def load(args: argparse.Namespace, url: str, folder: Path) -> int:
    """Seed the database at `url`, serve it, load it, audit it and report; 0 when clean."""
    from .audit import audit
    from .report import markdown, read_exceptions, read_stats
    from .seed import seed

    plan = seed(url, residents=max(50, args.users), accounts=args.users, history=args.history)
    (folder / "plan.json").write_text(json.dumps(plan.as_dict()), encoding="utf-8")
    users = len(plan.residents) + len(plan.directors) + len(plan.faculty)
    env = app_environment(url, SOLVE_QUEUE="rq", REDIS_URL=args.redis,
                          RATELIMIT_STORAGE_URI=args.redis,
                          RATELIMIT_KEY_PREFIX=f"load-{secrets.token_hex(4)}")
    with serving(url, folder / "gunicorn.log", args.workers, env) as server:
        locust_status = run_locust(args, server.url, folder, users)
    if not (folder / "locust_stats.csv").exists() or not (folder / "tally.json").exists():
        print((folder / "locust.log").read_text(errors="replace")[-4000:], file=sys.stderr)
        raise SystemExit(f"locust did not finish its run (exit {locust_status})")
    accepted = json.loads((folder / "tally.json").read_text(encoding="utf-8"))
    cases = audit(url, args.history, accepted, plan.residents, plan.seeded_cases)
    report = markdown(
        f"Load: {len(plan.residents)} residents, {len(plan.directors)} program directors, "
        f"{len(plan.faculty)} faculty for {args.run_time}", folder / "locust",
        folder / "gunicorn.log", cases,
        [f"gunicorn, {args.workers} sync workers on 127.0.0.1 (gunicorn.conf.py); PostgreSQL; "
         "sign-in throttling in Redis",
         f"Locust: {users} users, {args.spawn_rate:g} started per second, 1-3 s between "
         "steps; residents sign in, log cases, look at their cases, progress and schedule; "
         "directors open the case dashboard, the grid and the overview; faculty verify",
         "p50/p95/p99: as the users saw it (waiting for a free worker included); server: "
         "gunicorn's own time per request (access log)",
         f"{plan.seeded_cases:,} cases logged before the load ({args.history} per resident)",
         f"{os.cpu_count()} CPUs, shared by the server, the database, Locust and whatever "
         "else runs on the machine"])
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(f"report written to {args.out}", file=sys.stderr)
    _, total = read_stats(folder / "locust")
    clean = total.requests and not total.failures and not read_exceptions(folder / "locust")
    if not clean:
        print(server_errors(folder / "gunicorn.log"), file=sys.stderr)
        print((folder / "locust.log").read_text(errors="replace")[-4000:], file=sys.stderr)
    return 0 if clean and cases.ok else 1


def server_errors(log: Path, lines: int = 60) -> str:
    """The end of the server's error log (its output without the access log's lines)."""
    errors = [line for line in log.read_text(errors="replace").splitlines()
              if not re.match(r"\d+\.\d+\.\d+\.\d+ \[", line)]
    return "\n".join(errors[-lines:])


if __name__ == "__main__":
    sys.exit(main())
