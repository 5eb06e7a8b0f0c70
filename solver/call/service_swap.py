"""Swapping weeks of a weekly service (night float): one resident gives them, another takes them.

A service week lives in the block schedule, so a swap changes two files. In the block
schedule the weeks move from the giver's `services` to the taker's: the giver is back on
their block rotation those weeks, the taker leaves theirs. In the duty file both residents'
duty is rebuilt from the new block schedule (their calls stay theirs); nobody else's changes.

`swap_service(program, schedule, duty, service, weeks, giver, taker)` answers with both
files after the swap, or with the reasons it cannot be, in words:
- the weeks are not the giver's on that service, or the taker is away or already on a
  service then;
- the new block schedule breaks a hard rule the old one kept, as the independent block
  checker says it (who the service admits, `not_from`, the taker's rotation falling below
  its `min_present`, the service's cover, a requirement, a consecutive-weeks rule);
- either resident's new duty breaks a duty-hour limit or a call rule it kept before, as the
  duty checker says it (a call the taker holds that week overlaps the service's nights, or
  falls on a service the pool is closed to).
Fairness and soft rules are not refused: the chief weighs them when approving, and both
files' figures (penalty, unmet requests, calls) are recomputed for them to read.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from scheduler import Program, Schedule
from scheduler.call import CallYear, duty_of
from scheduler.duty_file import DutyFile

from ..checker import CheckReport, check
from ..duty_check import check_duty
from .engine import as_periods
from .swap import SWAP_RULES, breach_in_words, held_shifts, settle

# What a service swap must keep in both residents' duty: a swap's rules, and with the new
# block schedule, the call pools' eligibility (no call on a service a pool is closed to).
SERVICE_SWAP_RULES = (*SWAP_RULES, "call_pool")


@dataclass
class ServiceSwapResult:
    """The block schedule and duty file after the swap (None when refused), and why it was
    refused."""

    schedule: Schedule | None
    duty: DutyFile | None
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.schedule is not None and self.duty is not None


def _refused(*reasons: str) -> ServiceSwapResult:
    return ServiceSwapResult(None, None, list(reasons))


def _week_problems(program: Program, schedule: Schedule, service: str, weeks: Sequence[int],
                   giver: str, taker: str) -> list[str]:
    """Why the weeks cannot pass from giver to taker as the two residents' rows stand: not
    the giver's, or the taker away or already serving then; in words a resident reads (names,
    and each week by its dates: residents never see week numbers)."""
    given = schedule.residents[giver].services.get(service, [])
    theirs = schedule.residents[taker]
    calendar = program.calendar
    who = {rid: program.resident_by_id[rid].called for rid in (giver, taker)}
    problems = [f"{who[giver]} is not on {service} {calendar.week_dates(w)}"
                for w in weeks if w not in given]
    for w in weeks:
        if w in theirs.vacation_weeks:
            problems.append(f"{who[taker]} is on vacation {calendar.week_dates(w)}")
        elif (serving := theirs.service_in(w)) is not None:
            problems.append(f"{who[taker]} is already on {serving} {calendar.week_dates(w)}")
    return problems


def moved(schedule: Schedule, service: str, weeks: Sequence[int], giver: str,
          taker: str) -> Schedule:
    """A copy of the block schedule with `weeks` of `service` moved from giver to taker."""
    after = copy.deepcopy(schedule)
    gives, takes = after.residents[giver], after.residents[taker]
    left = [w for w in gives.services.get(service, []) if w not in weeks]
    if left:
        gives.services[service] = left
    else:
        gives.services.pop(service, None)
    takes.services[service] = sorted({*takes.services.get(service, []), *weeks})
    return after


def _new_hard(before: CheckReport, after: CheckReport) -> list[str]:
    """The hard rules the new block schedule breaks that the old one kept, in words."""
    seen = {(f.source, f.message) for f in before.errors + before.violations}
    return [f.message for f in after.errors + after.violations
            if (f.source, f.message) not in seen]


def _scored(schedule: Schedule, report: CheckReport) -> None:
    """The block schedule's penalty and unmet requests as the checker counts them; edited
    by hand, it no longer claims to be the best schedule."""
    schedule.objective = report.total_penalty
    schedule.unmet_requests = report.unmet_requests
    schedule.penalties = [f.as_dict() for f in report.penalties]
    if schedule.status == "OPTIMAL":
        schedule.status = "FEASIBLE"


def swap_service(program: Program, schedule: Schedule, duty: DutyFile, service: str,
                 weeks: Sequence[int], giver: str, taker: str,
                 previous: Schedule | None = None) -> ServiceSwapResult:
    """`taker` takes `giver`'s `weeks` (one week, or a run of them) of weekly service
    `service`; see the module docstring. `previous`: the version the block schedule was
    re-solved from, if any, so that its penalty counts moves as the solver counted them."""
    if taker == giver:
        return _refused("a resident cannot take their own service week")
    for rid in (giver, taker):
        if rid not in program.resident_by_id or rid not in schedule.residents:
            return _refused(f"{rid} is not on this schedule")
    if service not in program.service_by_code:
        return _refused(f"there is no service {service}")
    weeks = sorted(set(weeks))
    if not weeks:
        return _refused("no week was named")
    problems = _week_problems(program, schedule, service, weeks, giver, taker)
    if problems:
        return _refused(*problems)
    after = moved(schedule, service, weeks, giver, taker)
    report = check(program, after, previous)
    broken = _new_hard(check(program, schedule, previous), report)
    if broken:
        return _refused(*broken)
    _scored(after, report)
    return _with_duty(program, schedule, after, duty, giver, taker)


def _with_duty(program: Program, schedule: Schedule, after: Schedule, duty: DutyFile,
               giver: str, taker: str) -> ServiceSwapResult:
    """Both residents' duty rebuilt on the new block schedule, their calls kept; refused when
    either newly breaks a duty-hour limit or a call rule."""
    old_year, new_year = CallYear(program, schedule), CallYear(program, after)
    people = program.resident_by_id
    new_duty = copy.deepcopy(duty)
    first = program.calendar.year_start
    for rid in (giver, taker):
        if rid in duty.duty:
            new_duty.duty[rid] = as_periods(first, duty_of(new_year.work(people[rid]),
                                                           held_shifts(old_year, duty, rid)))
    before = {(b.source, b.resident, b.message) for b in check_duty(program, duty, schedule)}
    breaches = [b for b in check_duty(program, new_duty, after)
                if b.resident in (giver, taker) and b.source.startswith(SERVICE_SWAP_RULES)
                and (b.source, b.resident, b.message) not in before]
    if breaches:
        return _refused(*[breach_in_words(program, b) for b in breaches])
    settle(program, new_year, new_duty)
    return ServiceSwapResult(after, new_duty)
