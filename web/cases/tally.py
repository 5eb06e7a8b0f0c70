"""Running case tallies: how many cases each resident has per calendar month, rotation and
measure key (all cases, one kind, one category — `caselog.measure_key`), verified and pending
apart. Every change to a case changes the tally in the same transaction; the dashboards, the
progress pages and the pace projection read the tally instead of counting every case, which
keeps them fast with a million cases. `rebuild` recomputes a program's tally from its cases
(after a catalogue change moves procedures between categories).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, distinct, func, literal, select, union_all

from caselog import Target
from caselog.progress import ALL, CATEGORY_KEY, KIND_KEY, category_key, kind_key, measure_key

from .. import bulk
from ..extensions import db
from ..models import (
    Case,
    CaseDayTally,
    CaseProcedure,
    CaseTally,
    CaseTarget,
    ProcedureCategory,
    ProcedureType,
    Program,
)
from ..models.columns import table_of

Key = tuple[int, date, str, str, bool]   # resident, month, rotation, measure, verified


@dataclass(frozen=True)
class CaseFacts:
    """What the tally needs of a case."""

    resident_id: int
    day: date
    rotation: str
    state: str
    type_ids: tuple[int, ...]


def facts(case: Case) -> CaseFacts:
    return CaseFacts(case.resident_id, case.day, case.rotation or "", case.state,
                     tuple(p.type_id for p in case.procedures))


def type_keys(program: Program) -> dict[int, tuple[str, str]]:
    """Procedure type id -> its measure keys for category and kind."""
    rows = db.session.execute(
        select(ProcedureType.id, ProcedureCategory.code, ProcedureCategory.kind)
        .join(ProcedureCategory, ProcedureCategory.id == ProcedureType.category_id)
        .where(ProcedureType.program_id == program.id))
    return {tid: (category_key(code), kind_key(kind)) for tid, code, kind in rows}


def keys_of(type_ids: Iterable[int], keys: dict[int, tuple[str, str]]) -> set[str]:
    """The measure keys a case with these procedures counts toward, once each."""
    found = {k for t in type_ids if t in keys for k in keys[t]}
    return found | {ALL} if found else found


DayKey = tuple[int, date, str, bool]     # resident, day, measure, verified


@dataclass
class Delta:
    """Changes to the monthly tally and to the day tally of windowed measures."""

    months: Counter[Key] = field(default_factory=Counter)
    days: Counter[DayKey] = field(default_factory=Counter)


def windowed_keys(program: Program) -> set[str]:
    """The measure keys of the program's windowed targets (kept per day as well)."""
    entries = db.session.scalars(select(CaseTarget.entry).where(
        CaseTarget.program_id == program.id))
    return {measure_key(Target.model_validate(e)) for e in entries
            if e.get("window_months") is not None}


def changes(cases: Iterable[CaseFacts], keys: dict[int, tuple[str, str]],
            windowed: set[str], sign: int = 1, delta: Delta | None = None) -> Delta:
    """The tally changes `sign` times these cases make (returned cases make none)."""
    delta = delta or Delta()
    for case in cases:
        if case.state == "returned":
            continue
        month, verified = case.day.replace(day=1), case.state == "verified"
        for key in keys_of(case.type_ids, keys):
            delta.months[(case.resident_id, month, case.rotation, key, verified)] += sign
            if key in windowed:
                delta.days[(case.resident_id, case.day, key, verified)] += sign
    return delta


def _key_columns(table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def apply(program: Program, delta: Delta) -> None:
    """Add `delta` to the program's tallies (a statement each; rows in key order, so two
    writers never wait on each other in opposite orders)."""
    bulk.insert(table_of(CaseTally), [
        {"resident_id": r, "month": m, "rotation": rot, "measure": k, "verified": v,
         "program_id": program.id, "n": n}
        for (r, m, rot, k, v), n in sorted(delta.months.items()) if n],
        key=_key_columns(table_of(CaseTally)), add="n")
    bulk.insert(table_of(CaseDayTally), [
        {"resident_id": r, "day": d, "measure": k, "verified": v, "program_id": program.id,
         "n": n} for (r, d, k, v), n in sorted(delta.days.items()) if n],
        key=_key_columns(table_of(CaseDayTally)), add="n")


def record(program: Program, cases: Iterable[CaseFacts], sign: int = 1) -> None:
    """Count new cases in (sign 1) or take removed ones out (sign -1)."""
    apply(program, changes(cases, type_keys(program), windowed_keys(program), sign))


def restate(program: Program, before: CaseFacts, after: CaseFacts) -> None:
    """A case changed (verified, returned): move its counts."""
    keys, windowed = type_keys(program), windowed_keys(program)
    apply(program, changes([before], keys, windowed, -1, changes([after], keys, windowed)))


def _month(day):
    """The first day of `day`'s month, in the database's own dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", day), db.Date)
    return func.date(day, "start of month")


def _keyed_cases(program: Program):
    """Every counted case of the program once per measure key it counts toward, with its
    resident, day, month, rotation and whether it is verified (a subquery)."""
    base = (select(Case.resident_id, Case.day, _month(Case.day).label("month"), Case.rotation,
                   Case.id.label("case"), (Case.state == "verified").label("verified"),
                   ProcedureCategory.code, ProcedureCategory.kind)
            .join(CaseProcedure, CaseProcedure.case_id == Case.id)
            .join(ProcedureType, ProcedureType.id == CaseProcedure.type_id)
            .join(ProcedureCategory, ProcedureCategory.id == ProcedureType.category_id)
            .where(Case.program_id == program.id, Case.state != "returned")).subquery()
    parts = [literal(ALL), literal(KIND_KEY) + base.c.kind, literal(CATEGORY_KEY) + base.c.code]
    return union_all(*[
        select(base.c.resident_id, base.c.day, base.c.month, base.c.rotation, base.c.verified,
               part.label("measure"), base.c.case) for part in parts]).subquery()


def rebuild(program: Program) -> None:
    """Recompute the program's tallies from its cases, in the database."""
    db.session.execute(delete(CaseTally).where(CaseTally.program_id == program.id))
    keyed = _keyed_cases(program)
    counted = select(keyed.c.resident_id, keyed.c.month, keyed.c.rotation, keyed.c.measure,
                     keyed.c.verified, literal(program.id), func.count(distinct(keyed.c.case))
                     ).group_by(keyed.c.resident_id, keyed.c.month, keyed.c.rotation,
                                keyed.c.measure, keyed.c.verified)
    db.session.execute(table_of(CaseTally).insert().from_select(
        ["resident_id", "month", "rotation", "measure", "verified", "program_id", "n"],
        counted))
    rebuild_days(program)


def rebuild_days(program: Program) -> None:
    """Recompute the day tally (after the program's windowed targets change)."""
    db.session.execute(delete(CaseDayTally).where(CaseDayTally.program_id == program.id))
    windowed = windowed_keys(program)
    if not windowed:
        return
    keyed = _keyed_cases(program)
    counted = (select(keyed.c.resident_id, keyed.c.day, keyed.c.measure, keyed.c.verified,
                      literal(program.id), func.count(distinct(keyed.c.case)))
               .where(keyed.c.measure.in_(sorted(windowed)))
               .group_by(keyed.c.resident_id, keyed.c.day, keyed.c.measure,
                         keyed.c.verified))
    db.session.execute(table_of(CaseDayTally).insert().from_select(
        ["resident_id", "day", "measure", "verified", "program_id", "n"], counted))


def daily(program: Program, key: str, since: date, residents: list[int] | None = None
          ) -> dict[int, list[tuple[date, int]]]:
    """Resident id -> (day, cases that count toward the windowed measure `key`) from
    `since` on, sorted by day (for everyone, or the residents named)."""
    query = (select(CaseDayTally.resident_id, CaseDayTally.day, func.sum(CaseDayTally.n))
             .where(CaseDayTally.program_id == program.id, CaseDayTally.measure == key,
                    CaseDayTally.day >= since)
             .group_by(CaseDayTally.resident_id, CaseDayTally.day)
             .order_by(CaseDayTally.resident_id, CaseDayTally.day))
    if residents is not None:
        query = query.where(CaseDayTally.resident_id.in_(residents))
    if not program.count_unverified:
        query = query.where(CaseDayTally.verified.is_(True))
    found: dict[int, list[tuple[date, int]]] = {}
    for resident_id, day, n in db.session.execute(query):
        if n:
            found.setdefault(resident_id, []).append((day, int(n)))
    return found


def totals(program: Program, residents: Iterable[int] | None = None) -> dict[
        tuple[int, str], int]:
    """(resident id, measure key) -> cases that count (pending ones only if the program
    counts unverified cases)."""
    query = (select(CaseTally.resident_id, CaseTally.measure, func.sum(CaseTally.n))
             .where(CaseTally.program_id == program.id)
             .group_by(CaseTally.resident_id, CaseTally.measure))
    if residents is not None:
        query = query.where(CaseTally.resident_id.in_(list(residents)))
    if not program.count_unverified:
        query = query.where(CaseTally.verified.is_(True))
    return {(rid, key): int(n) for rid, key, n in db.session.execute(query) if n}


def by_month(program: Program, resident_id: int | None = None, since: date | None = None
             ) -> dict[tuple[date, str], int]:
    """(month, measure key) -> cases that count that month, the program's or one
    resident's: what the volume charts and cumulative curves draw."""
    query = (select(CaseTally.month, CaseTally.measure, func.sum(CaseTally.n))
             .where(CaseTally.program_id == program.id)
             .group_by(CaseTally.month, CaseTally.measure))
    if resident_id is not None:
        query = query.where(CaseTally.resident_id == resident_id)
    if since is not None:
        query = query.where(CaseTally.month >= since)
    if not program.count_unverified:
        query = query.where(CaseTally.verified.is_(True))
    return {(month, key): int(n) for month, key, n in db.session.execute(query) if n}
