"""Peak memory of every upload route on hostile and large files (issue 18's benchmark).

Each case runs in a process of its own, so its peak resident memory (getrusage's maxrss) is
its alone: a fresh SQLite database, a program with a chief, and one upload through the WSGI
app (session, CSRF, access check, parsing, the answer page). Refused files must be refused
with words and stay far under 1 GB; the accepted large files show what ordinary work costs.

    python -m bench.uploads            # writes docs/uploads.md
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench password 1"

# case -> (route, form page, file name, what the answer must say)
CASES = {
    "program file, nested 100,000 deep": ("import", None, "bomb.toml", "nests brackets"),
    "program file, 30 MB": ("import", None, "huge.toml", "at most 4,000,000"),
    "roster CSV, 25 MB": ("residents/import", "residents", "roster.csv", "more than 2000"),
    "case log .xlsx zip bomb (1 GB unpacked)": ("case-logs/import", None, "bomb.xlsx",
                                                "is packed"),
    "case log .xlsx, 250 MB unpacked": ("case-logs/import", None, "big.xlsx",
                                        "unpacks to"),
    "case log body over 32 MB": ("case-logs/import", None, "big.csv",
                                 "exceeds the capacity limit"),
    "case log CSV, 100,000 good rows": ("case-logs/import", None, "good.csv", "case(s)"),
}


def _file(case: str) -> bytes:
    """The file each case uploads, made here (nothing is downloaded)."""
    if case.startswith("program file, nested"):
        return b"format = 1\nbomb = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"
    if case == "program file, 30 MB":
        return b"format = 1\n" + b"# padding line of a program file\n" * 900_000
    if case == "roster CSV, 25 MB":
        return b"id,level,track\n" + b"ash,R1,IR\n" * 2_500_000
    if case.startswith("case log .xlsx zip bomb"):
        return workbook_bomb(1_000_000_000, b"A")
    if case == "case log .xlsx, 250 MB unpacked":
        return workbook_bomb(250_000_000, None)
    if case == "case log body over 32 MB":
        return b"date,procedure\n" + b"2026-01-05,PICC\n" * 2_200_000
    from bench.generate import generate

    residents = [r["id"] for r in generate(40, "months", 0)["resident"]]
    day = date.today() - timedelta(days=30)
    rows = [b"resident,date,procedure,notes\n"]
    rows += [f"{residents[i % 40]},{(day - timedelta(days=i % 300)).isoformat()},PICC,"
             "uneventful\n".encode() for i in range(100_000)]
    return b"".join(rows)


def workbook_bomb(size: int, fill: bytes | None) -> bytes:
    """A workbook whose shared strings unpack to `size` bytes: one repeated letter (a bomb),
    or words drawn at random from 16 that pack about 15 to 1 (a genuinely large file)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["date", "procedure"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name in source.namelist():
            if name != "xl/sharedStrings.xml":
                bomb.writestr(name, source.read(name))
        with bomb.open("xl/sharedStrings.xml", "w") as part:
            if fill:
                for _ in range(size // 1_000_000):
                    part.write(fill * 1_000_000)
            else:
                import random

                pick = random.Random(1)
                words = [f"w{pick.getrandbits(32):08x} ".encode() for _ in range(16)]
                for _ in range(size // 1_000_000):
                    part.write(b"".join(pick.choices(words, k=100_000)))
    return out.getvalue()


def one(case: str) -> dict:
    """Run one case in this process; its answer and this process's peak memory."""
    from flask_migrate import upgrade

    from bench.generate import generate
    from web import create_app
    from web.accounts import create_user, program_named
    from web.extensions import db

    route, form_page, filename, expected = CASES[case]
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "PASSWORD_HASH": "scrypt:1024:8:1"})
        with app.app_context():
            upgrade()
            program, _ = program_named("Bench")
            create_user("pd@bench.example", PASSWORD, program, "program_director")
            if route != "import":
                import tomli_w

                from web import program_file

                raw = generate(40, "months", 0)
                raw["program"]["name"] = "Bench"
                assert program_file.import_text(program, tomli_w.dumps(raw)).ok
            db.session.commit()
            pid = program.id
        data = _file(case)
        client = app.test_client()
        client.post("/login", data={"email": "pd@bench.example", "password": PASSWORD})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        response = client.post(f"/programs/{pid}/{route}", data={
            "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
        seconds = time.perf_counter() - start
        page = response.get_data(as_text=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {"case": case, "bytes": len(data), "status": response.status_code,
            "answered": expected in page, "seconds": round(seconds, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "before_mb": round(before / 1024)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.uploads", description=__doc__)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "docs" / "uploads.md"))
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    results = []
    for case in CASES:
        done = subprocess.run([sys.executable, "-m", "bench.uploads", "--one", case],
                              capture_output=True, text=True, cwd=ROOT, timeout=900)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(results[-1], file=sys.stderr)
    lines = ["# Uploads: peak memory on hostile and large files", "",
             "`python -m bench.uploads` (each case in a process of its own, SQLite). Peak: the",
             "process's maximum resident memory, including the app itself (`before`: after",
             "start-up and sign-in, before the upload).", "",
             "| case | file | answer | said why | time (s) | before (MB) | peak (MB) |",
             "|---|---:|---:|---|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['case']} | {r['bytes'] / 1e6:,.1f} MB | {r['status']} | "
                     f"{'yes' if r['answered'] else 'NO'} | {r['seconds']} | {r['before_mb']} "
                     f"| {r['peak_mb']} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(r["answered"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
