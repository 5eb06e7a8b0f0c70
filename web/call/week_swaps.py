"""Swaps of weekly-service weeks (night float): a resident offers a run of their service
weeks from the published block schedule; another resident takes them when the block checker
and the duty checker let them (`solver.call.service_swap`: who the service takes, vacation,
presence on the rotation the taker leaves, consecutive-weeks rules, and every duty-hour limit
with their calls, for both residents); a chief approves (unless the program lets checked
swaps through). Approving publishes the next block version with the weeks moved and the next
call version on it, both residents' duty rebuilt, so their calendars follow and call swaps
go on. Audited and notified as call swaps are; withdrawing and declining are `swaps.py`'s.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from scheduler import Program as ProgramYear
from scheduler.schedule import Assignment
from solver.call.service_swap import ServiceSwapResult, swap_service

from .. import audit, clock
from ..entries import dates_in_words
from ..extensions import db
from ..models import CallSchedule, CallSwap, Program, Resident, Schedule
from ..models.columns import now
from ..models.schedules import OPEN_SWAP_STATES
from ..notify import notify
from ..schedules.services import ScheduleError, publish_edit, resolved_from
from ..transaction import add_unique
from . import services
from .swaps import (
    SwapError,
    approvable,
    closed,
    label,
    latest_call,
    offered_to,
    ready,
    swaps_page,
    took,
)


def _overlapping(giver: Resident, service: str, first: int, last: int) -> CallSwap | None:
    """The giver's open offer of some of these weeks of the service, if any."""
    return db.session.scalar(select(CallSwap).where(
        CallSwap.giver_id == giver.id, CallSwap.kind == "service", CallSwap.pool == service,
        CallSwap.state.in_(OPEN_SWAP_STATES), CallSwap.first_week <= last,
        CallSwap.last_week >= first).limit(1))


def offer(program: Program, giver: Resident, service: str, first: int, last: int,
          user: Any) -> CallSwap:
    """Offer weeks `first` to `last` of weekly service `service`, all the giver's in the
    block version the published call schedule rests on. Refused when a week is not theirs
    on that service, the first has begun, or one of them is already on offer. Flushes."""
    latest = latest_call(program)
    year, _, schedule = services.read(latest)
    weeks = list(range(first, last + 1))
    if not weeks or last > year.calendar.num_weeks:
        raise SwapError(f"there are no weeks {first}-{last} in the year")
    served = schedule.residents[giver.key].services.get(service, []) \
        if giver.key in schedule.residents else []
    missing = [w for w in weeks if w not in served]
    if missing:
        raise SwapError(f"you are not on {service} in week {missing[0]} of "
                        f"{latest.schedule.label}")
    start = year.calendar.week_start(first)
    if start <= clock.today():
        raise SwapError("that week has already begun")
    if _overlapping(giver, service, first, last) is not None:
        raise SwapError("some of those weeks are already on offer")
    row = CallSwap(program_id=program.id, call_schedule=latest, kind="service",
                   pool=service, start=f"{start.isoformat()}T00:00",
                   end=f"{(year.calendar.week_end(last) + timedelta(days=1)).isoformat()}T00:00",
                   first_week=first, last_week=last, giver=giver)
    add_unique(row, SwapError("those weeks are already on offer"))
    audit.record("swap.offered", program=program, actor=user, subject=label(row),
                 swap_id=row.id, giver=giver.key, kind="service", weeks=weeks)
    entry = year.service_by_code.get(service)
    notify(offered_to(program, year, giver,
                      lambda resident: entry is not None and year.binds(entry, resident)),
           program,
           f"Service weeks on offer: {label(row)}",
           f"{giver.label} offers their {label(row)}. Take them on the swaps page if you "
           "can.", swaps_page(program))
    return row


def _checked(program: Program, row: CallSwap, taker: Resident
             ) -> tuple[CallSchedule, ServiceSwapResult]:
    """The latest call version and both files after the swap; SwapError with the checkers'
    reasons when the swap would break a rule."""
    if row.kind != "service":
        raise SwapError("this swap moves a call shift, not service weeks")
    latest = latest_call(program)
    year, duty, schedule = services.read(latest)
    if row.first_week is not None and year.calendar.week_start(row.first_week) <= clock.today():
        raise SwapError("the first of those weeks has already begun")
    previous = resolved_from(program, latest.schedule.data)
    result = swap_service(year, schedule, duty, row.pool, row.weeks, row.giver.key,
                          taker.key, previous)
    if not result.ok:
        raise SwapError("the swap would break the rules: "
                        + "; ".join(dates_in_words(r) for r in result.reasons))
    return latest, result


def accept(program: Program, row: CallSwap, taker: Resident, user: Any) -> CallSwap:
    """A resident takes offered service weeks, when the checks pass for both; with approval
    not needed (`call.swaps_need_approval = false`), it takes effect at once. Flushes."""
    ready(row, taker)
    _checked(program, row, taker)
    return took(program, row, taker, user, approve)


def _block_data(base: Schedule, result: ServiceSwapResult, rids: tuple[str, str]
                ) -> dict[str, Any]:
    """The stored block version with the swap's two rows and its recounted figures."""
    assert result.schedule is not None
    data = copy.deepcopy(base.data)
    for rid in rids:
        row = data["residents"][rid]
        row.pop("services", None)
        if result.schedule.residents[rid].services:
            row["services"] = result.schedule.residents[rid].services
    data.update(status=result.schedule.status, objective=result.schedule.objective,
                unmet_requests=result.schedule.unmet_requests,
                penalties=result.schedule.penalties, edited=True)
    return data


def approve(program: Program, row: CallSwap, user: Any) -> CallSchedule:
    """Approve an accepted swap of service weeks: checked again against the latest versions,
    then the next block version is published with the weeks moved and the next call version
    on it with both residents' duty rebuilt. Flushes."""
    approvable(row)
    taker = row.taker
    assert taker is not None
    latest, result = _checked(program, row, taker)
    assert result.duty is not None and latest.version is not None
    note = f"swap: {row.giver.label} gave {label(row)} to {taker.label}"
    try:
        block = publish_edit(program, latest.schedule, _block_data(
            latest.schedule, result, (row.giver.key, taker.key)), user, note)
    except ScheduleError as exc:
        raise SwapError(str(exc)) from exc
    made = CallSchedule(program_id=program.id, schedule_id=block.id,
                        data={**latest.data, **result.duty.as_dict()},
                        program_toml=latest.program_toml, state="published",
                        version=latest.version + 1, created_by=user,
                        published_by=user, published_at=now(), note=note)
    add_unique(made, SwapError("another call version was published meanwhile; try again"))
    row.result, row.block_result = made, block
    closed(row, "approved", user)
    audit.record("swap.approved", program=program, actor=user, subject=label(row),
                 swap_id=row.id, giver=row.giver.key, taker=taker.key, kind="service",
                 block_version=block.version, version=made.version)
    notify([row.giver.user, taker.user], program, f"Swap approved: {label(row)}",
           f"{taker.label} now works {label(row)} instead of {row.giver.label} "
           f"({block.label} of the schedule, {made.label}); both calendars follow them.",
           swaps_page(program))
    return made


def offered_weeks(resident: Resident) -> set[tuple[str, int]]:
    """(service, week) of each week the resident has on offer now."""
    rows = db.session.scalars(select(CallSwap).where(
        CallSwap.giver_id == resident.id, CallSwap.kind == "service",
        CallSwap.state.in_(OPEN_SWAP_STATES)))
    return {(r.pool, w) for r in rows for w in r.weeks}


def offers(year: ProgramYear, rid: str, assignment: Assignment, service: str,
           week: int) -> list[int]:
    """The last weeks the resident may offer from `week` of `service`: that week alone and,
    from the first week of a run, the whole run; only the whole run when a hard
    `min_consecutive` rule holds the resident to longer stints (half of one could never pass
    the checks)."""
    run_to = service_runs(assignment).get((service, week))
    resident = year.resident_by_id.get(rid)
    if resident is None:
        return []
    stint = max((rule.blocks for rule in year.rules if rule.kind == "min_consecutive"
                 and rule.hard and rule.service == service
                 and (rule.levels is None or resident.level in rule.levels)
                 and (rule.tracks is None or resident.track in rule.tracks)), default=1)
    if stint > 1:
        return [run_to] if run_to is not None else []
    return [week] if run_to in (None, week) else [week, run_to]


def service_runs(assignment: Assignment) -> dict[tuple[str, int], int]:
    """(service, first week) -> last week, for each run of consecutive weeks a resident
    serves: what they may offer together."""
    runs: dict[tuple[str, int], int] = {}
    for code, weeks in assignment.services.items():
        first = weeks[0] if weeks else 0
        for before, week in zip([None, *weeks], weeks, strict=False):
            if before is not None and before != week - 1:
                first = week
            runs[code, first] = week
    return runs
