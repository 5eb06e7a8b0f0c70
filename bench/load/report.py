"""The load test's result as Markdown: throughput, each endpoint's requests, failures and
latency percentiles (from Locust's CSV files) beside the server's own time (from gunicorn's
access log), the failures by message, errors in the simulated users' code, and the case
audit."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .audit import CaseAudit


@dataclass
class Endpoint:
    method: str
    name: str
    requests: int
    failures: int
    per_second: float
    p50: str
    p95: str
    p99: str


def read_stats(prefix: Path) -> tuple[list[Endpoint], Endpoint]:
    """Each endpoint's row of Locust's `<prefix>_stats.csv`, and the total ("Aggregated")."""
    rows = []
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as table:
        for row in csv.DictReader(table):
            rows.append(Endpoint(row["Type"], row["Name"], int(row["Request Count"]),
                                 int(row["Failure Count"]), float(row["Requests/s"]),
                                 row["50%"], row["95%"], row["99%"]))
    total = next((r for r in rows if r.name == "Aggregated"), None)
    if total is None:
        total = Endpoint("", "Aggregated", 0, 0, 0.0, "N/A", "N/A", "N/A")
    return [r for r in rows if r is not total], total


def read_failures(prefix: Path) -> list[tuple[str, str, str, int]]:
    """(method, endpoint, error, occurrences) from Locust's `<prefix>_failures.csv`."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as table:
        return [(r["Method"], r["Name"], r["Error"], int(r["Occurrences"]))
                for r in csv.DictReader(table)]


def read_exceptions(prefix: Path) -> list[tuple[int, str]]:
    """(times, message) of errors raised in the simulated users' own code (a page that could
    not be read as expected), from `<prefix>_exceptions.csv`."""
    path = Path(f"{prefix}_exceptions.csv")
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as table:
        return [(int(r["Count"]), r["Message"]) for r in csv.DictReader(table)]


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ ?"]*)[^"]*" \d+ \S+ (?P<ms>\d+)ms')


def server_times(log: Path) -> dict[tuple[str, str], list[int]]:
    """Milliseconds the server spent on each request, from gunicorn's access log, by method
    and path with its numbers as [id] (the endpoint names of the locustfile)."""
    times: dict[tuple[str, str], list[int]] = defaultdict(list)
    for line in log.read_text(errors="replace").splitlines():
        found = ACCESS_LINE.search(line)
        if found:
            path = re.sub(r"/\d+(?=/|$)", "/[id]", found["path"])
            times[(found["method"], path)].append(int(found["ms"]))
    return times


def _percentile(values: list[int], share: float) -> str:
    if not values:
        return "N/A"
    ordered = sorted(values)
    return str(ordered[min(len(ordered) - 1, int(share * len(ordered)))])


def endpoint_table(prefix: Path, server_log: Path) -> list[str]:
    """Each endpoint's requests, failures and latency seen by the users (Locust) and, apart,
    the server's own time (queueing for a free worker excluded)."""
    endpoints, total = read_stats(prefix)
    served = server_times(server_log)
    lines = ["| method | endpoint | requests | failures | p50 ms | p95 ms | p99 ms | "
             "server p50 ms | server p95 ms |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for e in endpoints:
        mine = served.get((e.method, e.name.split(" (")[0]), [])
        lines.append(f"| {e.method} | `{e.name}` | {e.requests:,} | {e.failures} | {e.p50} | "
                     f"{e.p95} | {e.p99} | {_percentile(mine, 0.5)} | "
                     f"{_percentile(mine, 0.95)} |")
    every = [ms for (_, path), values in served.items() if path != "/healthz" for ms in values]
    lines.append(f"| | **all** | **{total.requests:,}** | **{total.failures}** | {total.p50} | "
                 f"{total.p95} | {total.p99} | {_percentile(every, 0.5)} | "
                 f"{_percentile(every, 0.95)} |")
    return lines


def case_lines(cases: CaseAudit) -> list[str]:
    """The audit: accepted cases against the rows in the database, and the tally."""
    verdict = "equal" if cases.in_database == cases.seeded + cases.accepted else "NOT EQUAL"
    return ["Cases (nothing lost, nothing doubled):", "",
            f"- accepted by the server during the load: {cases.accepted:,}; seeded before: "
            f"{cases.seeded:,}; expected in the database: {cases.seeded + cases.accepted:,}",
            f"- case rows in the database: {cases.in_database:,} ({verdict})",
            f"- residents whose own count differs: {len(cases.mismatched)}"
            + "".join(f"; {email}: expected {want}, found {got}"
                      for email, (want, got) in sorted(cases.mismatched.items())),
            f"- cases in the running tally: {cases.counted:,}; cases not returned: "
            f"{cases.not_returned:,} "
            f"({'equal' if cases.counted == cases.not_returned else 'NOT EQUAL'})"]


def markdown(title: str, prefix: Path, server_log: Path, cases: CaseAudit,
             setup: list[str]) -> str:
    """The whole report."""
    _, total = read_stats(prefix)
    lines = [f"## {title}", "", *[f"- {line}" for line in setup], "",
             f"**{total.requests:,} requests, {total.per_second:.1f} per second; "
             f"{total.failures} failed.**", "", *endpoint_table(prefix, server_log)]
    failures = read_failures(prefix)
    if failures:
        lines += ["", "Failures:", "", "| method | endpoint | error | times |",
                  "|---|---|---|---:|"]
        lines += [f"| {m} | `{n}` | {err} | {k} |" for m, n, err, k in failures]
    errors = read_exceptions(prefix)
    lines += ["", f"Errors in the simulated users' own steps: {sum(k for k, _ in errors)}"
              + "".join(f"; {message} ({k} times)" for k, message in errors),
              "", *case_lines(cases)]
    return "\n".join(lines) + "\n"
