"""Case logs at scale (issue 4's benchmark): a million cases, a 100,000-row import, and the
program director's dashboard.

Builds a generated department of `--residents` (default 100, levels R1-R5) in a fresh
database (PostgreSQL with --postgres URL, else an SQLite file), gives each resident a monthly
history of rotations back to their R1 July, and logs `--cases` cases (default 1,000,000)
across those months: IR rotations supply most procedures, breast imaging supplies mammography
reads, DR rotations a few procedures. The cases go in through the importer itself, as CSV
files of `--import-rows` rows (default 100,000), each import timed from the file's bytes to
the commit. Then it signs in as the program director and requests the dashboard through the
WSGI app `--runs` times (server time: session, access check, the tally queries, template),
and a resident's progress page likewise.

    python -m bench.caselog [--postgres URL] [--cases 1000000] [--import-rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from datetime import date, timedelta

import tomli_w

IR_WORDS = ("IR", "NIR")
PASSWORD = "bench password 1"


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def history(program: dict, today: date, seed: int) -> list[tuple[str, date, str, float]]:
    """(resident, month, rotation, weight) for every month of every resident's training so
    far; the weight is how busy the rotation is in logged cases."""
    rng = random.Random(seed)
    codes = [r["code"] for r in program["rotation"]]
    ir = [c for c in codes if any(w in c.split("-") for w in IR_WORDS)]
    dr = [c for c in codes if c not in ir and c not in ("SICU", "SURG-ONC")]
    july = date(today.year - (today.month < 7), 7, 1)
    months = []
    for resident in program["resident"]:
        years = int(resident["level"][1:]) - 1
        month = july.replace(year=july.year - years)
        while month <= today:
            pool = ir if resident["track"] != "DR" and rng.random() < 0.5 else dr
            code = rng.choice(pool)
            weight = 3.0 if code in ir else 2.0 if code == "MAMMO" else 0.4
            months.append((resident["id"], month, code, weight))
            month = (month + timedelta(days=32)).replace(day=1)
    return months


def case_rows(program: dict, total: int, today: date, seed: int, faculty: list[str]):
    """CSV rows of `total` cases spread over the residents' rotation history."""
    rng = random.Random(seed)
    months = history(program, today, seed)
    scale = total / sum(w for *_, w in months)
    ir_types = ["ANGIO-ARTERIAL", "PTA", "STENT-ARTERIAL", "IVC-FILTER", "EMBO-HEMORRHAGE",
                "EMBO-TUMOR", "UFE", "PICC", "PORT", "TUNNELED-LINE", "BIOPSY-LIVER",
                "BIOPSY-LUNG", "ABSCESS-DRAIN", "NEPHROSTOMY", "PARACENTESIS"]
    dr_types = ["PARACENTESIS", "THORACENTESIS", "BIOPSY-OTHER", "PICC"]
    made, share = 0, 0.0
    for resident, month, code, weight in months:
        share += weight * scale
        n, made = round(share) - made, round(share)
        last = min((month + timedelta(days=32)).replace(day=1) - timedelta(days=1), today)
        for _ in range(max(n, 0)):
            day = month + timedelta(days=rng.randrange((last - month).days + 1))
            if code == "MAMMO":
                primary, other = rng.choice(["MAMMO-SCREEN", "MAMMO-DIAG"]), ""
            else:
                primary = rng.choice(ir_types if weight > 1 else dr_types)
                other = "ANGIO-ARTERIAL" if primary.startswith("EMBO") else ""
            state = "verified" if rng.random() < 0.85 else "pending"
            reference = f"K{rng.randrange(1000)}" if rng.random() < 0.2 else ""
            yield [resident, day.isoformat(), primary, other, "primary",
                   rng.choice(faculty), code, state, reference]


def chunks(rows, size: int):
    """CSV files of about `size` rows, each holding whole resident-months (a file per
    period, as residents keep them: identical routine cases of one day stay in one file)."""
    header = ["resident", "date", "procedure", "other procedures", "role", "attending",
              "rotation", "status", "reference"]
    out, writer, count, period = io.StringIO(), None, 0, None
    for row in rows:
        if count >= size and (row[0], row[1][:7]) != period:
            yield out.getvalue().encode()
            writer, count = None, 0
        if writer is None:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(header)
        writer.writerow(row)
        count, period = count + 1, (row[0], row[1][:7])
    if writer is not None:
        yield out.getvalue().encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.caselog", description=__doc__)
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
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
    from sqlalchemy import func, select, text

    from bench.generate import generate
    from web import create_app, program_file
    from web.accounts import create_user, program_named
    from web.cases import imports, tally
    from web.extensions import db
    from web.models import Case, CaseTally, Program

    raw = generate(args.residents, "months", 0)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False})
    faculty = [f"attending{i}@bench.example" for i in range(12)]
    today = date.today()
    with app.app_context():
        upgrade()
        program = program_named("Bench")[0]
        create_user("pd@bench.example", PASSWORD, program, "program_director")
        assert program_file.import_text(program, tomli_w.dumps(raw)).ok
        for email in faculty:
            create_user(email, PASSWORD, program, "faculty")
        db.session.commit()
        pid = program.id
        imports_s: list[float] = []
        rows_in: list[int] = []
        for data in chunks(case_rows(raw, args.cases, today, 0, faculty), args.import_rows):
            start = time.perf_counter()
            result = imports.import_cases(db.session.get(Program, pid), "cases.csv", data,
                                          may_verify=True)
            db.session.commit()
            imports_s.append(time.perf_counter() - start)
            assert result.ok, result.errors[:5]
            rows_in.append(data.count(b"\n") - 1)
            print(f"  import {len(imports_s)}: {rows_in[-1]:,} rows, {result.added:,} added, "
                  f"in {imports_s[-1]:.2f} s", file=sys.stderr)
        cases = db.session.scalar(select(func.count(Case.id)))
        tallies = db.session.scalar(select(func.count()).select_from(CaseTally))
        if args.postgres:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        start = time.perf_counter()
        tally.rebuild(db.session.get(Program, pid))
        db.session.commit()
        rebuild_s = time.perf_counter() - start
        resident = db.session.get(Program, pid).residents[-1]   # an R5: five years of cases
        rid = resident.key
        resident.user = create_user("res@bench.example", PASSWORD, resident.program,
                                    "resident").user
        db.session.commit()

    def timed(email: str, path: str) -> list[float]:
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        assert client.get(path).status_code == 200
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        return times

    dashboard = timed("pd@bench.example", f"/programs/{pid}/case-logs")
    progress = timed("res@bench.example", f"/programs/{pid}/my/progress")
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"case logs, {engine}: {cases:,} cases of {args.residents} residents "
          f"({tallies:,} tally rows)")
    print("| measure | median | p95 | min | runs |\n|---|---:|---:|---:|---:|")
    print(f"| import of {min(rows_in):,}-{max(rows_in):,} CSV rows (s) | "
          f"{statistics.median(imports_s):.2f} | {_percentile(imports_s, 0.95):.2f} | "
          f"{min(imports_s):.2f} | {len(imports_s)} |")
    for label, times in (("program director's dashboard (ms)", dashboard),
                         (f"resident {rid}'s progress page (ms)", progress)):
        print(f"| {label} | {statistics.median(times):.0f} | {_percentile(times, 0.95):.0f} |"
              f" {min(times):.0f} | {len(times)} |")
    print(f"tally rebuild from every case: {rebuild_s:.1f} s")
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
