"""Swapping a call shift: one resident gives a shift, another takes it.

`swap(program, schedule, duty, pool, start, giver, taker)` answers with the duty file after
the swap, or with the reasons it cannot be: the shift is not the giver's, the pool does not
take the taker (level, track, a closed rotation or service, vacation), the taker works then,
or the taker's duty after the swap breaks a duty-hour limit, a `not_both` pair or a hard
call request. Both residents' duty is rebuilt
from the block schedule (a post-call morning moves with the shift) and re-checked by the
duty checker, which is written apart from the solver. Fairness is not re-checked: residents
trade calls knowingly, and the chief approves.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from scheduler import Program, Schedule
from scheduler.call import CallYear, Shift, at, duty_of
from scheduler.duty_file import DutyFile

from ..duty_check import Breach, check_duty
from .engine import as_periods, figures

# What a swap must keep for both residents: every duty-hour limit, the dates nobody works
# both of, and hard call requests (fairness is the chief's to weigh when approving).
SWAP_RULES = ("duty", "call.not_both", "call_request")


@dataclass
class SwapResult:
    """The duty file after the swap (None when refused) and why it was refused."""

    duty: DutyFile | None
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.duty is not None


def called(program: Program, rid: str) -> str:
    """What people call the resident keyed `rid` (their name, else the key as given)."""
    person = program.resident_by_id.get(rid)
    return person.called if person is not None else rid


def breach_in_words(program: Program, breach: Breach) -> str:
    """A broken duty rule as a sentence: whose it is, by name, then what happened."""
    if not breach.resident:
        return breach.message
    return f"{called(program, breach.resident)}: {breach.message}"


def held_shifts(year: CallYear, duty: DutyFile, rid: str) -> list[Shift]:
    """The shifts a resident holds in a duty file, as the year's shifts."""
    start = year.calendar.year_start
    by_key = {(s.code, at(start, s.start)): s for s in year.shifts}
    return [by_key[p.what, p.start] for p in duty.duty.get(rid, [])
            if p.kind in ("call", "home_call") and (p.what, p.start) in by_key]


def swap(program: Program, schedule: Schedule, duty: DutyFile, pool: str, start: str,
         giver: str, taker: str) -> SwapResult:
    """`taker` takes `giver`'s shift of `pool` starting at `start` ('2027-07-10T07:00')."""
    year = CallYear(program, schedule)
    people = program.resident_by_id
    if taker == giver:
        return SwapResult(None, ["a resident cannot take their own shift"])
    if taker not in people or taker not in schedule.residents:
        return SwapResult(None, [f"{called(program, taker)} is not on this schedule"])
    given = held_shifts(year, duty, giver)
    shift = next((s for s in given if s.code == pool and at(year.calendar.year_start,
                                                              s.start) == start), None)
    if shift is None:
        return SwapResult(None, [f"{called(program, giver)} is not on {pool} "
                                 f"at {start.replace('T', ' ')}"])
    resident = people[taker]
    entry = program.call_pools[shift.pool]
    closed = year.closed(entry, resident, shift)
    if closed is not None:
        return SwapResult(None, [closed])
    work = year.work(resident)
    clash = next((p for p in work if p.overlaps(shift.start, shift.end)), None)
    if clash is not None:
        return SwapResult(None, [f"{called(program, taker)} works {clash.what} then"])
    taken = held_shifts(year, duty, taker)
    if any(s.start < shift.end and shift.start < s.end for s in taken):
        return SwapResult(None, [f"{called(program, taker)} is already on call then"])
    after = copy.deepcopy(duty)
    first = year.calendar.year_start
    after.duty[giver] = as_periods(first, duty_of(year.work(people[giver]),
                                                  [s for s in given if s is not shift]))
    after.duty[taker] = as_periods(first, duty_of(work, sorted(taken + [shift],
                                                               key=lambda s: s.start)))
    before = {(b.source, b.resident, b.message) for b in check_duty(program, duty, schedule)}
    breaches = [b for b in check_duty(program, after, schedule)
                if b.resident in (giver, taker) and b.source.startswith(SWAP_RULES)
                and (b.source, b.resident, b.message) not in before]
    if breaches:
        return SwapResult(None, [breach_in_words(program, b) for b in breaches])
    settle(program, year, after)
    return SwapResult(after)


def reassign(program: Program, schedule: Schedule, duty: DutyFile, pool: str, start: str,
             taker: str) -> SwapResult:
    """A chief's edit: the shift of `pool` starting `start` goes to `taker`, from whoever
    holds it. Refused only when it cannot be written (no such shift, nobody holds it, the
    taker is not on the schedule); otherwise `reasons` lists, in words, every rule the edit
    newly breaks for either resident (eligibility and duty-hour limits), and the chief
    decides. Publishing re-checks everything."""
    holder = next((rid for rid, periods in duty.duty.items() for p in periods
                   if p.kind in ("call", "home_call") and p.what == pool and p.start == start),
                  None)
    if holder is None:
        return SwapResult(None, [f"nobody holds {pool} at {start.replace('T', ' ')}"])
    if holder == taker:
        return SwapResult(None, [f"{called(program, taker)} already holds it"])
    year = CallYear(program, schedule)
    if taker not in program.resident_by_id or taker not in schedule.residents:
        return SwapResult(None, [f"{called(program, taker)} is not on this schedule"])
    given = held_shifts(year, duty, holder)
    shift = next(s for s in given if s.code == pool and at(year.calendar.year_start,
                                                            s.start) == start)
    taken = held_shifts(year, duty, taker)
    after = copy.deepcopy(duty)
    first = year.calendar.year_start
    people = program.resident_by_id
    after.duty[holder] = as_periods(first, duty_of(year.work(people[holder]),
                                                   [s for s in given if s is not shift]))
    after.duty[taker] = as_periods(first, duty_of(year.work(people[taker]),
                                                  sorted(taken + [shift],
                                                         key=lambda s: s.start)))
    before = {(b.source, b.resident, b.message) for b in check_duty(program, duty, schedule)}
    reasons = [breach_in_words(program, b) for b in check_duty(program, after, schedule)
               if (b.source, b.resident, b.message) not in before]
    settle(program, year, after)
    return SwapResult(after, reasons)


def settle(program: Program, year: CallYear, after: DutyFile) -> None:
    """What a duty file reports about its calls, made true again after a change by hand (a
    swap, a chief's edit): each resident's numbers of calls and the fairness figures, the
    soft call requests left unmet and their weight, and a status that no longer claims the
    best call schedule (nothing searched for a better one)."""
    residents = [r for r in program.residents if r.id in after.duty]
    held = {r.id: held_shifts(year, after, r.id) for r in residents}
    after.calls, after.fairness = figures(program, year.shifts, residents, held)
    after.unmet_requests = unmet_requests(program, held)
    after.objective = sum(program.call_requests[i].weight for i in after.unmet_requests)
    if after.status == "OPTIMAL":
        after.status = "FEASIBLE"


def unmet_requests(program: Program, held: dict[str, list[Shift]]) -> list[int]:
    """Positions of the soft call requests the held shifts leave unmet: a `no_call` whose
    resident holds a shift starting in its dates (of its pool, when it names one), an
    `on_call` whose resident holds none. The requests of residents absent from `held` (not
    on the call schedule) are not counted, as the solver does not count them."""
    unmet = []
    for i, request in enumerate(program.call_requests):
        if request.is_hard or request.resident not in held:
            continue
        last = request.last or request.day
        asked = [s for s in held[request.resident] if request.day <= s.day <= last
                 and (request.pool is None or s.code == request.pool)]
        if bool(asked) == (request.kind == "no_call"):
            unmet.append(i)
    return unmet
