"""Call swaps: a resident offers one of their published call shifts; another resident takes
it if the duty checker lets them (eligibility, vacation, closed rotations, every duty-hour
limit, for both of them); a chief approves it (unless the program lets checked swaps through),
which publishes the next call version with the shift moved. Every step is audited; both
residents' calendars follow the new version.

Withdrawing, declining and listing serve swaps of service weeks too (`week_swaps.py`), which
take and are approved through `ready` and `took` here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scheduler import Program as ProgramYear
from scheduler.calendar import day_in_words, span_in_words
from scheduler.call import CallYear, minute_of
from scheduler.schema import Resident as YearResident
from solver.call.swap import swap as check_swap

from .. import audit, clock
from ..access import MANAGERS
from ..entries import dates_in_words
from ..extensions import db
from ..models import CallSchedule, CallSwap, Membership, Program, Resident, User
from ..models.columns import now
from ..models.schedules import OPEN_SWAP_STATES
from ..notify import answered, notify, page, residents_of
from ..transaction import add_unique
from . import services


class SwapError(ValueError):
    """A swap step that cannot be taken; says why."""


def label(row: CallSwap) -> str:
    """What a swap moves, in words, the pool or service by the name the program file gives
    it: 'Night call on Mon 6 Sep 2027, 17:00–07:00', or for service weeks 'Night float,
    6 Sep – 19 Sep 2027' (residents never see week numbers)."""
    name = services.pool_names(row.call_schedule).get(row.pool, row.pool)
    when = datetime.fromisoformat(row.start)
    if row.kind != "service":
        end = datetime.fromisoformat(row.end)
        return f"{name} on {when:%a} {day_in_words(when)}, {when:%H:%M}–{end:%H:%M}"
    return f"{name}, {span_in_words(when.date(), date.fromisoformat(row.last_day))}"


def managers_of(program: Program) -> list[User]:
    """The program's chiefs, coordinators and directors: who approve swaps."""
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.program_id == program.id, Membership.role.in_(MANAGERS))))


def approval_asked(row: CallSwap) -> str:
    """The key of the notifications asking the chiefs to approve `row`: `closed` marks them
    read, whoever closed it (another chief, the giver withdrawing, a newer call version)."""
    return f"approve call_swap {row.id}"


def closed(row: CallSwap, state: str, decided_by: Any = None) -> None:
    """The swap is done with (`state`: approved, declined, lapsed, or withdrawn by its giver),
    so nothing waits for a chief's approval any more: the notifications asking for it are
    read, in the same transaction. Flushes."""
    row.state, row.decided_at = state, now()
    if decided_by is not None:
        row.decided_by = decided_by
    db.session.flush()
    answered(approval_asked(row))


def swaps_page(program: Program) -> str:
    return page("call.swaps", program_id=program.id)


def latest_call(program: Program) -> CallSchedule:
    """The published call version swaps act on; refused while it rests on an older block
    version than the published one (its checks would use the old vacation and rotations)."""
    latest = services.latest_published(program)
    if latest is None:
        raise SwapError("no call schedule is published")
    newer = services.outdated(program, latest)
    if newer is not None:
        raise SwapError(f"the call schedule was made on an older block schedule than "
                        f"{newer.label}; swaps wait until the chief publishes call on it")
    return latest


def offer(program: Program, giver: Resident, pool: str, start: str, user: Any) -> CallSwap:
    """Offer the giver's shift of `pool` starting `start` in the published call schedule.
    Refused for a shift that is not theirs, has begun, or is already offered. Flushes."""
    latest = latest_call(program)
    held = [p for p in latest.data.get("duty", {}).get(giver.key, [])
            if p.get("kind") in ("call", "home_call") and p.get("what") == pool
            and p.get("start") == start]
    if not held:
        raise SwapError(f"you are not on {pool} at {start.replace('T', ' ')} in "
                        f"{latest.label}")
    if datetime.fromisoformat(start) <= clock.now():
        raise SwapError("that shift has already begun")
    row = CallSwap(program_id=program.id, call_schedule=latest, pool=pool, start=start,
                   end=held[0]["end"], giver=giver)
    add_unique(row, SwapError("that shift is already offered"))
    audit.record("swap.offered", program=program, actor=user, subject=label(row),
                 swap_id=row.id, giver=giver.key)
    year, _, schedule = services.read(latest)
    call_year = CallYear(year, schedule)
    minute = minute_of(year.calendar.year_start, start)
    shift = next((s for s in call_year.shifts if s.code == pool and s.start == minute), None)
    if shift is None:       # not a shift of the pool as the rules stand: nobody to tell
        return row
    entry = year.call_pools[shift.pool]
    notify(offered_to(program, year, giver,
                      lambda resident: call_year.closed(entry, resident, shift) is None),
           program,
           f"Call shift on offer: {label(row)}",
           f"{giver.label} offers their {label(row)}. Take it on the swaps page if you "
           "can.", swaps_page(program))
    return row


def offered_to(program: Program, year: ProgramYear, giver: Resident,
               may_take: Callable[[YearResident], bool]) -> list[User]:
    """Whom an offer of the giver's is told of: the program's other residents (on the
    roster, with an account) whom `may_take` lets take it (the call pool or the weekly
    service admits them: an R1 is not told of a shift only seniors take)."""
    accounts = {user.id for user in residents_of(program)}
    return [r.user for r in program.residents
            if r.user is not None and r.id != giver.id and r.user.id in accounts
            and (them := year.resident_by_id.get(r.key)) is not None and may_take(them)]


def withdraw(program: Program, row: CallSwap, resident: Resident, user: Any) -> None:
    """The giver takes back an offer not yet approved. Flushes."""
    if row.giver_id != resident.id:
        raise SwapError("only the resident who offered a shift may withdraw it")
    if not row.open:
        raise SwapError(f"this swap is already {row.state}")
    closed(row, "withdrawn")
    audit.record("swap.withdrawn", program=program, actor=user, subject=label(row),
                 swap_id=row.id)


def present(row: CallSwap, taker: Resident) -> None:
    """Both residents are still on the roster (not archived)."""
    for person in (row.giver, taker):
        if person.archived_at is not None:
            raise SwapError(f"{person.label} has left the program (archived)")


def approvable(row: CallSwap) -> None:
    """A swap a chief may approve: accepted, both residents still on the roster."""
    if row.state != "accepted" or row.taker is None:
        raise SwapError(f"only an accepted swap can be approved (this one is {row.state})")
    present(row, row.taker)


def _checked(program: Program, row: CallSwap, taker: Resident) -> tuple[CallSchedule, Any]:
    """The latest call version and the duty after the swap; SwapError with the checker's
    reasons when the swap would break a rule."""
    if row.kind != "call":
        raise SwapError("this swap moves service weeks, not a call shift")
    latest = latest_call(program)
    year, duty, schedule = services.read(latest)
    result = check_swap(year, schedule, duty, row.pool, row.start, row.giver.key, taker.key)
    if not result.ok:
        raise SwapError("the swap would break the rules: "
                        + "; ".join(dates_in_words(r) for r in result.reasons))
    return latest, result.duty


def ready(row: CallSwap, taker: Resident) -> None:
    """An offer the taker may try to take: still on offer, someone else's, both residents
    on the roster."""
    if row.state != "offered":
        raise SwapError(f"this {'offer' if row.kind == 'service' else 'shift'} is no longer "
                        f"on offer ({row.state})")
    if row.giver_id == taker.id:
        raise SwapError(f"you cannot take your own {'weeks' if row.kind == 'service' else 'shift'}")
    present(row, taker)


def took(program: Program, row: CallSwap, taker: Resident, user: Any,
         approve_it: Callable[[Program, CallSwap, Any], object]) -> CallSwap:
    """A checked offer taken: the giver and the chiefs are told it waits for approval, or,
    with approval not needed (`call.swaps_need_approval = false`), `approve_it` approves it
    at once. Flushes."""
    row.taker, row.state, row.accepted_at = taker, "accepted", now()
    db.session.flush()
    audit.record("swap.accepted", program=program, actor=user, subject=label(row),
                 swap_id=row.id, giver=row.giver.key, taker=taker.key, kind=row.kind)
    settings = (program.call_rules or {}).get("call", {})
    if settings.get("swaps_need_approval", True):
        notify([row.giver.user, *managers_of(program)], program,
               f"Swap to approve: {label(row)}",
               f"{taker.label} took {row.giver.label}'s {label(row)}; the checks pass. "
               "A chief approves it on the swaps page.", swaps_page(program),
               asks=approval_asked(row))
    else:
        approve_it(program, row, user)
    return row


def accept(program: Program, row: CallSwap, taker: Resident, user: Any) -> CallSwap:
    """A resident takes an offered shift, when the checks pass for both; with approval not
    needed (`call.swaps_need_approval = false`), it takes effect at once. Flushes."""
    ready(row, taker)
    _checked(program, row, taker)
    return took(program, row, taker, user, approve)


def approve(program: Program, row: CallSwap, user: Any) -> CallSchedule:
    """Approve an accepted swap: checked again against the latest call version, then the
    next call version is published with the shift moved. Flushes."""
    approvable(row)
    assert row.taker is not None
    latest, duty = _checked(program, row, row.taker)
    # latest + 1: were another swap approved on the same version meanwhile, the unique
    # version rule refuses this one (not a version that silently undoes the other)
    assert latest.version is not None    # published
    version = latest.version + 1
    made = CallSchedule(program_id=program.id, schedule_id=latest.schedule_id,
                        data={**latest.data, **duty.as_dict()},
                        program_toml=latest.program_toml, state="published", version=version,
                        created_by=user, published_by=user, published_at=now(),
                        note=f"swap: {row.giver.label} gave {label(row)} to "
                             f"{row.taker.label}")
    add_unique(made, SwapError("another call version was published meanwhile; try again"))
    row.result = made
    closed(row, "approved", user)
    audit.record("swap.approved", program=program, actor=user, subject=label(row),
                 swap_id=row.id, giver=row.giver.key, taker=row.taker.key,
                 version=made.version)
    notify([row.giver.user, row.taker.user], program, f"Swap approved: {label(row)}",
           f"{row.taker.label} now works {label(row)} instead of {row.giver.label} "
           f"({made.label}); both calendars follow it.", swaps_page(program))
    return made


def still_held(row: CallSwap, call: CallSchedule) -> bool:
    """Whether the giver still holds what their offer moves in call version `call`: the call
    shift in its duty, or every offered service week in the block version it rests on."""
    if row.kind == "service":
        served = call.schedule.data.get("residents", {}).get(row.giver.key, {}) \
            .get("services", {}).get(row.pool, [])
        return all(week in served for week in row.weeks)
    return any(p.get("kind") in services.CALL_KINDS and p.get("what") == row.pool
               and p.get("start") == row.start
               for p in call.data.get("duty", {}).get(row.giver.key, []))


def lapsing(program: Program, call: CallSchedule) -> list[CallSwap]:
    """The open swaps that call version `call` would not back, were it published: what the
    chief is asked about before publishing it."""
    rows = db.session.scalars(select(CallSwap).where(
        CallSwap.program_id == program.id, CallSwap.state.in_(OPEN_SWAP_STATES))
        .order_by(CallSwap.start)).all()
    return [row for row in rows if not still_held(row, call)]


def offer_in_words(row: CallSwap) -> str:
    """'Night call on Fri 8 Jan 2027, 17:00–07:00 offered by Victor Lindgren'."""
    return f"{label(row)} offered by {row.giver.label}"


def lapse(program: Program, published: CallSchedule, user: Any) -> list[CallSwap]:
    """Close the open swaps that the newly published call version `published` no longer
    backs (the giver does not hold the shift or the weeks in it: the chief made call again,
    or published it on another block version): nobody could take them. Each lapses,
    audited, and its giver (and taker, once taken) are told. Flushes."""
    gone = lapsing(program, published)
    for row in gone:
        closed(row, "lapsed", user)
        audit.record("swap.lapsed", program=program, actor=user, subject=label(row),
                     swap_id=row.id, giver=row.giver.key, version=published.version)
        notify([row.giver.user, row.taker.user if row.taker else None], program,
               f"Swap lapsed: {label(row)}",
               f"{published.label.capitalize()} no longer gives {row.giver.label} "
               f"{label(row)}, so the offer is closed. Your calendar follows "
               f"{published.label}.", swaps_page(program))
    db.session.flush()
    return gone


def takeable(program: Program, rows: list[CallSwap], resident: Resident | None) -> set[int]:
    """The ids of the offers among `rows` the resident may try to take: on offer, someone
    else's, of a call pool or service whose levels and tracks admit them (the duty checks
    run when they take it). Read from the program files the offers were made with."""
    if resident is None:
        return set()
    return {row.id for row in rows
            if row.state == "offered" and row.giver_id != resident.id
            and services.admits_resident(row.call_schedule, row.pool, resident.level,
                                         resident.track)}


def decline(program: Program, row: CallSwap, user: Any) -> None:
    """A chief declines an open swap: the shift stays with the giver. Flushes."""
    if not row.open:
        raise SwapError(f"this swap is already {row.state}")
    closed(row, "declined", user)
    audit.record("swap.declined", program=program, actor=user, subject=label(row),
                 swap_id=row.id)
    notify([row.giver.user, row.taker.user if row.taker else None], program,
           f"Swap declined: {label(row)}",
           f"The swap of {label(row)} was declined: it stays with {row.giver.label}.",
           swaps_page(program))


def listed(program: Program, limit: int = 50) -> list[CallSwap]:
    """The program's open swaps (all of them), then the `limit` latest closed ones, each
    with its call version's program file (which names its pools: `label`), not its duty."""
    mine = select(CallSwap).where(CallSwap.program_id == program.id).options(
        selectinload(CallSwap.call_schedule).load_only(CallSchedule.program_toml))
    open_ones = db.session.scalars(mine.where(CallSwap.state.in_(OPEN_SWAP_STATES))
                                   .order_by(CallSwap.id.desc())).all()
    done = db.session.scalars(mine.where(CallSwap.state.not_in(OPEN_SWAP_STATES))
                              .order_by(CallSwap.id.desc()).limit(limit)).all()
    return [*open_ones, *done]
