"""Server time of the schedule grid page for a large department (issue 3's benchmark).

Builds a generated department (default 125 residents on 13 four-week blocks, 27 rotations)
with its witness schedule as a draft, in a fresh database (SQLite file, or PostgreSQL with
--postgres URL), signs in as a chief and requests the grid page through the WSGI app
(everything the server does for the page: session, access check, validation, checker, grid,
template), reporting the median and 95th percentile over `--runs` requests.

    python -m bench.grid [--residents 125] [--calendar 4-week] [--runs 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import tomli_w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.grid", description=__doc__)
    parser.add_argument("--residents", type=int, default=125)
    parser.add_argument("--calendar", default="4-week")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432 (a database is made)")
    args = parser.parse_args(argv)
    from bench.database import scratch_database

    with scratch_database(args.postgres) as url:
        return run(args, url)


def run(args: argparse.Namespace, url: str) -> int:
    """The benchmark on the database at `url`."""

    from flask_migrate import upgrade

    from bench.generate import witness
    from web import create_app, program_file
    from web.accounts import create_user, program_named
    from web.extensions import db
    from web.models import Program, Schedule

    raw, rows = witness(args.residents, args.calendar, 0)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False})
    password = "bench password 1"
    with app.app_context():
        upgrade()
        created = create_user("chief@bench.example", password, program_named("Bench")[0], "chief")
        program = created.program
        result = program_file.import_text(program, tomli_w.dumps(raw))
        assert result.ok, result.errors[:3]
        schedule = Schedule(program_id=program.id,
                            data={"format": 1, "status": "FEASIBLE", "residents": rows})
        db.session.add(schedule)
        db.session.commit()
        pid, sid = program.id, schedule.id
        blocks = len(db.session.get(Program, pid).rotations)
    client = app.test_client()
    client.post("/login", data={"email": "chief@bench.example", "password": password})
    path = f"/programs/{pid}/schedules/{sid}"
    first = client.get(path)
    assert first.status_code == 200, first.status_code
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    size = len(response.data) // 1024
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"grid page, {args.residents} residents x {'13' if args.calendar == '4-week' else '12'}"
          f" blocks, {blocks} rotations, {engine}: median {statistics.median(times):.0f} ms, "
          f"p95 {p95:.0f} ms, min {times[0]:.0f} ms over {args.runs} requests "
          f"({size} KiB of HTML)")
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
