"""The users of a busy residency program, for Locust (run by `python -m bench.load.run`).

Residents sign in through the sign-in form (with its CSRF token), log cases through the case
form and look at their cases, progress and schedule; program directors watch the case-log
dashboard and the schedule grid; faculty verify the cases waiting for them. Everyone pauses
1-3 s between steps, as people do. Pages must answer 200 (a redirect to the sign-in page
is a failure); form posts must redirect where the app goes after success.

Each resident counts the cases the server accepted; when the run stops the counts are
written to LOAD_TALLY (JSON: e-mail -> cases accepted), so the runner can compare them with
the database, and the statistics to LOAD_STATS_*.csv. LOAD_PLAN names the JSON plan of
`bench.load.seed` (accounts, ids, password).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from collections import Counter, deque
from datetime import date, timedelta
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
ACCOUNTS = {role: deque(PLAN[role]) for role in ("residents", "directors", "faculty")}
ACCEPTED: Counter[str] = Counter()
PROGRAM = f"/programs/{PLAN['program_id']}"
NAME = "/programs/[id]"   # how the report names the program's pages
TODAY = date.today()
# Cases are logged for the last two weeks, within this academic year (from 1 July).
FIRST_DAY = max(TODAY - timedelta(days=14), date(TODAY.year - (TODAY.month < 7), 7, 1))


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on the page, as a browser would send it back."""
    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    return ""


def choices(page: str, field: str) -> list[str]:
    """The values a <select> offers, leaving out the blank '0' choice."""
    found = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S)
    values = re.findall(r'<option[^>]*value="([^"]*)"', found.group(1)) if found else []
    return [v for v in values if v not in ("", "0")]


@events.test_stop.add_listener
def write_results(environment, **_kwargs) -> None:
    """Once every user has stopped: each resident's count of accepted cases (LOAD_TALLY),
    and Locust's statistics, failures and errors as CSV files named LOAD_STATS_*.csv (its own
    --csv files are rewritten each second, so they may miss the last requests)."""
    with open(os.environ["LOAD_TALLY"], "w", encoding="utf-8") as out:
        json.dump(dict(ACCEPTED), out)
    tables = StatsCSV(environment, PERCENTILES_TO_REPORT)
    for kind, write in (("stats", tables.requests_csv), ("failures", tables.failures_csv),
                        ("exceptions", tables.exceptions_csv)):
        with open(f"{os.environ['LOAD_STATS']}_{kind}.csv", "w", newline="",
                  encoding="utf-8") as out:
            write(csv.writer(out))


class ProgramUser(HttpUser):
    """Someone of the program, signed in with their own account from the plan."""

    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.email = ACCOUNTS[self.role].popleft()
        self.sign_in()

    def sign_in(self) -> None:
        page = self.page("/login", "/login")
        with self.client.post("/login", name="/login", allow_redirects=False, catch_response=True,
                              data={"email": self.email, "password": PLAN["password"],
                                    "csrf_token": csrf_token(page)}) as response:
            if response.status_code != 302 or urlsplit(
                    response.headers.get("Location", "")).path != "/":
                response.failure(f"sign-in refused ({response.status_code})")

    def page(self, path: str, name: str) -> str:
        """GET a page that must answer 200 (not a redirect to sign in); its text."""
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} "
                                 f"{response.headers.get('Location', '')}".strip())
            return response.text

    def submit(self, path: str, name: str, fields: dict, then: str) -> bool:
        """POST a form; accepted when the app redirects to `then` (its success page)."""
        with self.client.post(path, name=name, data=fields, allow_redirects=False,
                              catch_response=True) as response:
            accepted = (response.status_code == 302 and urlsplit(
                response.headers.get("Location", "")).path == then)
            if not accepted:
                response.failure(f"not accepted ({response.status_code})")
            return accepted


class Resident(ProgramUser):
    """A resident on their phone between cases."""

    role = "residents"

    def on_start(self) -> None:
        super().on_start()
        form = self.page(f"{PROGRAM}/my/cases", f"{NAME}/my/cases")
        self.procedures = choices(form, "primary")
        self.attendings = choices(form, "attending")

    @task(4)
    def log_case(self) -> None:
        mine, name = f"{PROGRAM}/my/cases", f"{NAME}/my/cases"
        form = self.page(mine, name)
        self.wait()   # filling in the form
        day = FIRST_DAY + timedelta(days=random.randint(0, (TODAY - FIRST_DAY).days))
        fields = {"csrf_token": csrf_token(form), "day": day.isoformat(),
                  "primary": random.choice(self.procedures or ["0"]),
                  "role": random.choice(["primary", "primary", "assistant"]),
                  "attending": random.choice(self.attendings or ["0"]),
                  "complications": random.choice(["none"] * 9 + ["minor"]),
                  "site": "", "patient_ref": random.choice(["", "", f"K{random.randint(1, 999)}"]),
                  "notes": ""}
        if self.submit(mine, f"{name} (log a case)", fields, then=mine):
            ACCEPTED[self.email] += 1
            if "Case logged" not in self.page(mine, name):
                self.environment.events.request.fire(
                    request_type="CHECK", name="case logged message shown", response_time=0,
                    response_length=0, exception=AssertionError("no 'Case logged' message"))

    @task(2)
    def my_cases(self) -> None:
        self.page(f"{PROGRAM}/my/cases", f"{NAME}/my/cases")

    @task(2)
    def my_progress(self) -> None:
        self.page(f"{PROGRAM}/my/progress", f"{NAME}/my/progress")

    @task(1)
    def my_schedule(self) -> None:
        self.page(f"{PROGRAM}/my/schedule", f"{NAME}/my/schedule")

    @task(1)
    def home(self) -> None:
        self.page("/", "/")


class ProgramDirector(ProgramUser):
    """A program director with the dashboards open."""

    role = "directors"
    fixed_count = len(PLAN["directors"])

    @task(3)
    def case_dashboard(self) -> None:
        self.page(f"{PROGRAM}/case-logs", f"{NAME}/case-logs")

    @task(2)
    def schedule_grid(self) -> None:
        self.page(f"{PROGRAM}/schedules/{PLAN['schedule_id']}", f"{NAME}/schedules/[id]")

    @task(1)
    def overview(self) -> None:
        self.page(f"{PROGRAM}/", f"{NAME}/")


class Faculty(ProgramUser):
    """An attending working through the cases that name them."""

    role = "faculty"
    fixed_count = len(PLAN["faculty"])

    @task
    def verify_one(self) -> None:
        queue = f"{PROGRAM}/verify"
        page = self.page(queue, f"{NAME}/verify")
        waiting = re.findall(rf'action="{PROGRAM}/cases/(\d+)/verify"', page)
        if waiting:
            self.wait()   # reading the case
            self.submit(f"{PROGRAM}/cases/{waiting[0]}/verify", f"{NAME}/cases/[id]/verify",
                        {"csrf_token": csrf_token(page), "action": "verify", "comment": ""},
                        then=queue)
