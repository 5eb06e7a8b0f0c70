"""The load harness keeps working: a short run with five residents (gunicorn, Locust and the
case audit as `python -m bench.load.run` does them) fails nothing and loses no case."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_load_fails_no_request_and_keeps_every_accepted_case(tmp_path):
    report_file = tmp_path / "load.md"
    run = subprocess.run(
        [sys.executable, "-m", "bench.load.run", "--users", "5", "--run-time", "12s",
         "--workers", "2", "--history", "2", "--out", str(report_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    report = report_file.read_text(encoding="utf-8")
    assert re.search(r"\*\*[\d,]+ requests, [\d.]+ per second; 0 failed\.\*\*", report)
    for page in ("/login", "/programs/[id]/my/cases (log a case)", "/programs/[id]/case-logs",
                 "/programs/[id]/verify"):
        assert f"`{page}`" in report
    accepted = int(re.search(r"accepted by the server during the load: ([\d,]+)", report)
                   .group(1).replace(",", ""))
    in_database = int(re.search(r"case rows in the database: ([\d,]+)", report)
                      .group(1).replace(",", ""))
    assert accepted > 0
    assert in_database == accepted + 5 * 2   # five residents came with two cases each
    assert "residents whose own count differs: 0" in report
    assert "Errors in the simulated users' own steps: 0" in report
