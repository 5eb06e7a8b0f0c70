"""Request services: a resident's requests within their weight budget, and the chief's
decisions.

A request is pending until the chief decides: **approved** makes it hard (the schedule must
grant it), **wish** keeps it soft (the solver grants it unless that costs more than its
weight), **declined** leaves it out, with a reason the resident sees. Every request is checked
the way the program file would check it (weeks inside the year, known rotations, blocks that
exist), so an approved request can never make the program unsolvable by being malformed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from caselog.phi import patient_information
from scheduler import Program as ProgramYear
from scheduler.asking import vacation_conflicts, weeks_over
from scheduler.calendar import day_in_words, span_in_words
from scheduler.schedule import as_file
from solver import checker

from .. import audit, clock
from ..choices import GROUP_PREFIX, closed_to, target_key, target_value
from ..entries import Outcome, save_entry
from ..extensions import db
from ..models import REQUEST_STATUS_WORDS, Program, Request, Resident
from ..models.columns import now
from ..notify import notify, page
from ..program_file import next_position, solved_requests
from ..transaction import kept_if_ok

DEFAULT_BUDGET = 10
WEIGHTS = (1, 2, 3, 4, 5)


def weight_used(resident: Resident) -> int:
    """Weight the resident has spent: every request they sent that was not declined
    (requests the chief entered or imported do not count). Read from the database, so a
    submission that holds the resident's lock sees every one committed before it."""
    return db.session.scalar(select(func.coalesce(func.sum(Request.weight), 0)).where(
        Request.resident_id == resident.id, Request.from_resident.is_(True),
        Request.status != "declined")) or 0


def granted(program: Program, resident: Resident) -> tuple[int | None, dict[int, bool]]:
    """The latest published version's number and, by request id, whether it grants each of
    the resident's requests the solver sees (approved ones and wishes). (None, {}) when
    nothing is published, and no answers when the version no longer reads against the
    program as it is (a resident archived since, or a new academic year)."""
    from ..schedules.services import ScheduleError, latest_published, program_year, year_of

    published = latest_published(program)
    if published is None:
        return None, {}
    try:
        live = program_year(program)
        kept = year_of(program, published) if published.program_toml else live
    except ScheduleError:
        return published.version, {}
    if (live.info.year_start, live.info.calendar) != (kept.info.year_start,
                                                     kept.info.calendar):
        return published.version, {}   # the version is of another academic year
    report = checker.check(live, as_file(published.data))
    if report.errors:
        return published.version, {}
    missed = set(report.unmet_requests) | {
        int(found.group(1)) for f in report.violations
        if (found := re.fullmatch(r"request\[(\d+)\]", f.source))}
    return published.version, {request.id: i not in missed
                               for i, request in enumerate(solved_requests(program))
                               if request.resident_id == resident.id}


def _request_path(request: Request) -> str:
    """The request's place in the program file, counting it as solved while it is checked."""
    return f"request[{solved_requests(request.program).index(request)}]"


@kept_if_ok
def submit(program: Program, resident: Resident, data: dict[str, Any], budget: int
           ) -> Outcome:
    """A new pending request from form data: kind, weeks (vacation), target and blocks
    (assign, avoid), weight, note. Refused beyond the resident's weight budget, or when the
    program file would not accept it."""
    if resident.archived_at is not None:
        return Outcome(field_errors={"": [
            "you have left this program's roster (archived): your requests are no longer "
            "scheduled; ask your chief residents"]})
    if said := _patient_information(data.get("note") or ""):
        return Outcome(field_errors={"note": [said]})
    weight = int(data.get("weight") or 1)
    # One resident's submissions one at a time: two sent at once must not both fit in what
    # is left (PostgreSQL locks the resident's row; SQLite's write lock, taken by
    # `kept_if_ok`, already serialises them).
    db.session.execute(select(Resident.id).where(Resident.id == resident.id)
                       .with_for_update())
    left = budget - weight_used(resident)
    if weight > left:
        return Outcome(field_errors={"weight": [
            f"you have {max(left, 0)} of {budget} weight points left this year"]})
    kind = data["kind"]
    details: dict[str, Any] = {}
    if kind == "vacation":
        weeks = sorted({int(w) for w in data.get("weeks") or []})
        if not weeks:
            return Outcome(field_errors={"weeks": ["choose at least one week"]})
        calendar = program.year_calendar
        if not all(1 <= w <= calendar.num_weeks for w in weeks):
            return Outcome(field_errors={"weeks": [
                f"the year has weeks 1 to {calendar.num_weeks}"]})
        if asked := _asked_already(program, resident, weeks):
            return Outcome(field_errors={"weeks": [asked]})
        if conflicts := _vacation_conflicts(program, resident, weeks):
            return Outcome(field_errors={"weeks": [
                "; ".join(conflicts) + ": ask for other weeks"]})
        details["weeks"] = [calendar.week_start(w).isoformat() for w in weeks]
    else:
        target = data.get("target") or ""
        if not target:
            return Outcome(field_errors={"target": ["choose a rotation, group or service"]})
        key, name = target_key(program, target)
        if target in closed_to(program, resident):
            return Outcome(field_errors={"target": [
                f"{name} does not take {resident.level} {resident.track} residents: it "
                "never takes you"]})
        if key == "service":
            # a weekly service (night float): asked for, or off, by the week
            weeks = sorted({int(w) for w in data.get("weeks") or []})
            if not weeks:
                return Outcome(field_errors={"weeks": ["choose the week(s) of the service"]})
            calendar = program.year_calendar
            if not all(1 <= w <= calendar.num_weeks for w in weeks):
                return Outcome(field_errors={"weeks": [
                    f"the year has weeks 1 to {calendar.num_weeks}"]})
            if over := weeks_over(calendar, weeks, clock.today()):
                return Outcome(field_errors={"weeks": [f"{over}: ask for other weeks"]})
            details["service"] = target
            details["weeks"] = [calendar.week_start(w).isoformat() for w in weeks]
        else:
            details[key] = name
            blocks = sorted({int(b) for b in data.get("blocks") or []})
            if over := _blocks_over(program, blocks, clock.today()):
                return Outcome(field_errors={"blocks": [f"{over}: ask for later blocks"]})
            if blocks:
                details["blocks"] = blocks
            elif kind == "assign":
                return Outcome(field_errors={"blocks": ["choose the block(s) you ask for"]})
    row = Request(resident=resident, kind=kind, details=details, from_resident=True,
                  weight=weight, note=(data.get("note") or "").strip(),
                  position=next_position(Request, program))

    def change(row: Request) -> None:
        row.status = "wish"  # checked as the solver would see it

    outcome = save_entry(program, "request", row, program.requests, change,
                         field_names={"rotation": "target", "group": "target",
                                      "service": "target"},
                         locate=_request_path)
    if outcome.ok:
        row.status = "pending"
        db.session.flush()
    return outcome


@kept_if_ok
def withdraw(request: Request) -> None:
    """The resident takes back a request the chief has not decided yet; one decided since
    (a page loaded before) is refused saying what the chiefs decided and when."""
    if request.status != "pending":
        when = f" on {day_in_words(request.decided_at)}" if request.decided_at else ""
        raise ValueError(f"The chiefs already decided this request{when}: "
                         f"{request.status_in_words}; ask them if you need a change")
    db.session.delete(request)
    db.session.flush()


@kept_if_ok
def decide(program: Program, request: Request, decision: str, reason: str, user) -> Outcome:
    """The chief's decision: 'approved' (hard), 'wish' (soft) or 'declined' (with a reason),
    kept in the audit log. Nobody decides their own request (a chief who is also a
    resident), as nobody verifies their own case."""
    if decision not in ("approved", "wish", "declined"):
        return Outcome(field_errors={"decision": [f"unknown decision '{decision}'"]})
    if request.resident.user_id is not None and request.resident.user_id == user.id:
        return Outcome(field_errors={"decision": [
            "this is your own request: another chief or the program director decides it"]})
    reason = reason.strip()
    if decision == "declined" and not reason:
        return Outcome(field_errors={"reason": [
            f"Say why {request.resident.label}'s request ({describe(request)}) is declined: "
            "the reason goes to them"]})
    if said := _patient_information(reason):
        return Outcome(field_errors={"reason": [said]})
    if decision != "declined" and request.resident.archived_at is not None:
        return Outcome(field_errors={"decision": [
            f"{request.resident.label} is archived: restore them (Residents) before "
            "approving or keeping their request"]})

    conflicts: list[str] = []
    if decision == "approved" and request.kind == "vacation":
        conflicts = _approval_conflicts(program, request)
    elif decision == "approved" and request.kind == "assign":
        value = target_value(program, request.details)
        if value in closed_to(program, request.resident):
            conflicts = [f"{value.removeprefix(GROUP_PREFIX)} does not take "
                         f"{request.resident.level} {request.resident.track} residents"]
    if conflicts:
        return Outcome(field_errors={"decision": [
            f"If approved, {request.resident.label}'s request would leave no schedule: "
            + "; ".join(conflicts) + ". Keep it as a wish (the solver grants what it "
            "can) or decline it"]})

    def change(row: Request) -> None:
        row.status = decision
        row.reason = reason if decision == "declined" else ""
        row.decided_at = now()
        row.decided_by_id = user.id

    if decision == "declined":  # leaves the file: nothing to check
        change(request)
        db.session.flush()
        outcome = Outcome()
    else:
        outcome = save_entry(program, "request", request, program.requests, change,
                             locate=_request_path)
    if outcome.ok:
        audit.record("request.decided", program=program, actor=user,
                     subject=f"{request.kind} request #{request.id} of {request.resident.name}",
                     request_id=request.id, decision=decision, reason=reason)
        words = REQUEST_STATUS_WORDS[decision] + (f": {reason}" if decision == "declined"
                                                  else "")
        asked = describe(request)
        notify([request.resident.user], program, f"Your request ({asked}) was {words}",
               f"Your request in {program.name} ({asked}) was {words}.",
               page("requests.my_requests", program_id=program.id))
    return outcome


def _patient_information(text: str) -> str | None:
    """The refusal of a note or a reason that looks like it holds patient information
    (caselog.phi; a date alone passes: a vacation's reasons have dates), or None."""
    found = patient_information(text, dates=False)
    if found is None:
        return None
    return (f"this looks like {found}. Requests never hold patient information: reword it "
            "without it")


def _approval_conflicts(program: Program, request: Request) -> list[str]:
    """The hard rules approving a vacation request would break: by its weeks alone
    (`_vacation_conflicts`), or with the resident's vacation approved already — the cap per
    block, and more weeks in all than the resident takes."""
    resident = request.resident
    year = _year_of(program)
    person = year.resident_by_id.get(resident.key) if year is not None else None
    if year is None or person is None:
        return []   # the program file has errors of its own, which saving reports
    calendar = year.calendar
    weeks = request.weeks_in(calendar)
    found = vacation_conflicts(year, person, weeks, clock.today())
    booked = sorted({w for other in solved_requests(program)
                     if other is not request and other.resident_id == resident.id
                     and other.kind == "vacation" and other.status == "approved"
                     for w in other.weeks_in(calendar)})
    if found or not booked:
        return found
    together = sorted(set(weeks) | set(booked))
    already = "with " + ", ".join(span_in_words(calendar.week_start(w), calendar.week_end(w))
                                  for w in booked) + " approved already"
    # Weeks approved earlier may have begun by now (date.min: no week has): only what these
    # weeks add is said
    before = set(vacation_conflicts(year, person, booked, date.min))
    found = [f"{said} ({already})" for said in
             vacation_conflicts(year, person, together, date.min) if said not in before]
    if len(together) > (allowed := year.vacation_weeks_of(person)):
        found.append(f"{len(together)} weeks of vacation in all ({already}), where "
                     f"{resident.label} takes {allowed}")
    return found


def _year_of(program: Program) -> ProgramYear | None:
    """The program as the engine reads it; None while it has errors of its own."""
    from ..schedules.services import ScheduleError, program_year

    try:
        return program_year(program)
    except ScheduleError:
        return None


def _vacation_conflicts(program: Program, resident: Resident, weeks: list[int]) -> list[str]:
    """The hard rules vacation in `weeks` would break for the resident by itself
    (scheduler.asking): a week already begun, a blackout, the cap per block."""
    year = _year_of(program)
    if year is None:
        return []   # the program file has errors of its own, which saving reports
    found = year.resident_by_id.get(resident.key)
    return vacation_conflicts(year, found, weeks, clock.today()) if found else []


def _asked_already(program: Program, resident: Resident, weeks: list[int]) -> str | None:
    """The sentence naming the weeks a vacation request the resident sent, still standing
    (not declined), already asks for, or None: asked twice, a week would cost its weight
    twice and add nothing (a page sent again, or left open in another tab). Requests the
    chief residents entered for them do not count here (they cost nothing). Read from the
    database after `submit` locked the resident (not the program's requests as loaded
    before): a request sent from a second tab at the same moment is seen."""
    calendar = program.year_calendar
    standing = db.session.scalars(select(Request).where(
        Request.resident_id == resident.id, Request.kind == "vacation",
        Request.status != "declined").order_by(Request.id))
    for request in standing:
        if not request.from_resident:
            continue
        again = [w for w in request.weeks_in(calendar) if w in weeks]
        if again:
            named = ", ".join(day_in_words(calendar.week_start(w)) for w in again)
            sentence = (f"you have already asked for the week{'s' if len(again) > 1 else ''}"
                        f" of {named} ({describe(request)}: {request.status_in_words})")
            if request.status == "pending":
                sentence += "; withdraw that request first to ask for it differently"
            return sentence
    return None


def _blocks_over(program: Program, blocks: list[int], today: date) -> str | None:
    """The sentence naming the blocks already over by `today` (None when none is): a
    rotation asked for, or against, in them can no longer be scheduled."""
    ends = {b.index: b for b in program.year_calendar.blocks}
    past = [ends[b] for b in blocks if b in ends and ends[b].end < today]
    if not past:
        return None
    named = ", ".join(f"block {b.index} ({day_in_words(b.start)} – {day_in_words(b.end)})"
                      for b in past)
    return f"{named} {'is' if len(past) == 1 else 'are'} already over"


def week_choices(program: Program, today: date | None = None
                 ) -> list[tuple[int, str, bool]]:
    """(week number, 'Week 25 · 20 Dec – 26 Dec 2027', begun) for every Monday-to-Sunday
    week of the year; `begun`: it began on or before `today` (none, without a day), so it
    can no longer be asked for (scheduler.asking.weeks_over)."""
    calendar = program.year_calendar
    return [(w, f"Week {w} · {span_in_words(calendar.week_start(w), calendar.week_end(w))}",
             today is not None and calendar.week_start(w) <= today)
            for w in range(1, calendar.num_weeks + 1)]


def block_choices(program: Program, today: date | None = None
                  ) -> list[tuple[int, str, bool]]:
    """(block, 'Block 3 · 1 Sep 2027 – 30 Sep 2027', over) for every block; `over`: it
    ended before `today` (none, without a day), so it can no longer be asked for
    (`_blocks_over`)."""
    calendar = program.year_calendar
    return [(b.index, f"Block {b.index} · {day_in_words(b.start)} – {day_in_words(b.end)}",
             today is not None and b.end < today)
            for b in calendar.blocks]


def describe(request: Request) -> str:
    """'Vacation: weeks of 20 Dec 2027, 27 Dec 2027' / 'Assign IR-U in blocks 3, 4'. A week
    is named by its Monday, whichever of its days the request holds."""
    details = request.details
    if request.kind == "vacation":
        days = _mondays(details.get("weeks", []))
        return "Vacation: week" + ("s" if len(days) > 1 else "") + " of " + ", ".join(days)
    verb = "On" if request.kind == "assign" else "Not on"
    if details.get("service"):
        days = _mondays(details.get("weeks", []))
        return (f"{verb} {details['service']}: week" + ("s" if len(days) > 1 else "")
                + " of " + ", ".join(days))
    target = details.get("rotation") or details.get("group")
    blocks = details.get("blocks")
    where = (" in block" + ("s " if len(blocks) > 1 else " ")
             + ", ".join(map(str, blocks))) if blocks else " all year"
    return f"{verb} {target}{where}"


def _mondays(days: list[str]) -> list[str]:
    """The Mondays of the weeks holding these ISO dates, in words, once each."""
    mondays = (date.fromisoformat(d) for d in days)
    return list(dict.fromkeys(day_in_words(d - timedelta(days=d.weekday())) for d in mondays))
