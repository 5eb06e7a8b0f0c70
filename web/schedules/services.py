"""Schedule services: change a cell of a draft (checked at once), start a draft from a
version, publish a draft as the next version, and compare two schedules."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from scheduler import LoadResult, load_program_text
from scheduler import Program as ProgramYear
from scheduler.calendar import day_in_words
from scheduler.schedule import Schedule as ScheduleFile
from scheduler.schedule import as_file, cell_label
from scheduler.validation import MAX_PROGRAM_FILE_BYTES
from scheduler.words import plural
from solver import checker
from solver.checker import Finding

from .. import audit
from ..extensions import db
from ..models import Program, Schedule
from ..models.columns import now
from ..notify import notify, page, residents_of
from ..program_file import export_toml, installation_limits, validate
from ..transaction import add_unique, kept_if_ok


class ScheduleError(ValueError):
    """A change to a schedule that cannot be made; says why."""


def program_year(program: Program) -> ProgramYear:
    """The program as the engine reads it; ScheduleError when it has errors."""
    return _loaded(validate(program))


def year_of(program: Program, schedule: Schedule) -> ProgramYear:
    """The program a schedule is read against. A published version is read against the
    program file kept when it was published, so archiving a resident or changing a rule
    later never alters it; a draft (or a version published before versions kept their
    file) against the program as it is now. ScheduleError when that has errors."""
    if schedule.program_toml is None:
        return program_year(program)
    text = schedule.program_toml
    return _loaded(load_program_text(text, max(MAX_PROGRAM_FILE_BYTES, len(text.encode())),
                                     installation_limits()))


def _loaded(loaded: LoadResult) -> ProgramYear:
    if loaded.program is None:
        raise ScheduleError("the program has errors; fix them first: " + "; ".join(
            f"{e.path}: {e.message}" for e in loaded.errors[:3]))
    return loaded.program


@dataclass
class CellChange:
    """What changing one cell did: hard rules it broke and fixed, the penalty of the soft
    rules, and how many hard rules the draft breaks in all."""

    broken: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    penalty_before: int = 0
    penalty_after: int = 0
    hard_before: int = 0
    hard_after: int = 0
    was: tuple[str, str] = ("", "")    # the cell before: first half's and second half's code


@kept_if_ok
def change_cell(program: Program, schedule: Schedule, resident: str, block: int, code: str,
                revision: int, second: str | None = None) -> CellChange:
    """Put `resident` on rotation `code` in `block` of a draft; with `second` another split
    rotation, on `code` for the first half and `second` for the second. `revision` is the
    draft's revision the chief was looking at: if someone changed the draft since, the
    change is refused rather than silently overwriting theirs. Flushes."""
    if schedule.state != "draft":
        raise ScheduleError("a published version cannot be changed; start a draft from it")
    if revision != schedule.revision:
        raise ScheduleError("someone else changed this draft meanwhile; reload it and try "
                            "again (your change was not saved)")
    year = program_year(program)
    second = second or code
    for name in (code, second):
        if name not in year.rotation_by_code:
            raise ScheduleError(f"unknown rotation '{name}'")
    if second != code:
        for name in (code, second):
            if name not in year.split_codes:
                raise ScheduleError(f"{name} cannot fill half a block (it is not a split "
                                    f"rotation)")
    if not 1 <= block <= year.num_blocks:
        raise ScheduleError(f"there is no block {block}")
    data = copy.deepcopy(schedule.data)
    row = data.get("residents", {}).get(resident)
    if row is None:
        raise ScheduleError(f"resident '{resident}' is not in this schedule")
    previous = resolved_from(program, schedule.data)
    before = checker.check(year, as_file(schedule.data), previous)
    old = row["rotations"][block - 1]
    was = (old, old) if isinstance(old, str) else (old[0], old[1])
    row["rotations"][block - 1] = code if second == code else [code, second]
    after = checker.check(year, as_file(data), previous)
    data["objective"] = after.total_penalty
    data["unmet_requests"] = after.unmet_requests
    data["penalties"] = [f.as_dict() for f in after.penalties]
    _mark_edited(data)
    schedule.data = data
    try:
        db.session.flush()
    except StaleDataError as exc:  # another change landed between our read and our write
        raise ScheduleError("someone else changed this draft meanwhile; reload it and try "
                            "again (your change was not saved)") from exc
    seen = {(f.source, f.message) for f in before.violations + before.errors}
    now_broken = {(f.source, f.message) for f in after.violations + after.errors}
    return CellChange(
        broken=[f for f in after.violations + after.errors
                if (f.source, f.message) not in seen],
        fixed=[f for f in before.violations + before.errors
               if (f.source, f.message) not in now_broken],
        penalty_before=before.total_penalty, penalty_after=after.total_penalty,
        hard_before=len(before.violations + before.errors),
        hard_after=len(after.violations + after.errors), was=was)


def solved_as(data: dict[str, Any]) -> dict[str, Any]:
    """What a draft the solver made holds of the solve (its status, and a fingerprint of
    its rows), so that a chief's edits undone give the solver's status back
    (`_mark_edited`)."""
    return {"status": data.get("status"), "fingerprint": _fingerprint(data)}


def _fingerprint(data: dict[str, Any]) -> str:
    rows = json.dumps(data.get("residents", {}), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(rows.encode()).hexdigest()


def _mark_edited(data: dict[str, Any]) -> None:
    """A draft changed by hand: no longer proven best, unless the changes have put back
    every cell and week the solver made (`solved_as`): then it is the solver's draft again,
    with its status."""
    solved = data.get("solved")
    if isinstance(solved, dict) and solved.get("fingerprint") == _fingerprint(data):
        data["status"] = solved.get("status", data.get("status"))
        data.pop("edited", None)
        return
    data["edited"] = True
    if data.get("status") == "OPTIMAL":
        data["status"] = "FEASIBLE"


def resolved_from(program: Program, data: dict[str, Any]) -> ScheduleFile | None:
    """The version a re-solved draft was re-solved from (its `previous_id`, looked up in
    this program only), as a schedule file; None for a draft solved afresh.

    Checked against it, a draft's penalty counts the moves and dropped vacation weeks the
    solver counted, so the grid, the list and the solve page show one figure. Frozen blocks
    are not enforced here: a chief's later hand edit there costs `change_weight` like any
    other move instead of barring the draft from being published."""
    previous_id = data.get("previous_id")
    if not isinstance(previous_id, int):
        return None
    row = db.session.scalar(select(Schedule).where(Schedule.id == previous_id,
                                                   Schedule.program_id == program.id))
    return as_file(row.data) if row is not None else None


def draft_from(program: Program, schedule: Schedule, user) -> Schedule:
    """A new draft holding a copy of `schedule` (to adjust a published version), less the
    rows of residents who have left the program since (archived). Flushes."""
    data = copy.deepcopy(schedule.data)
    here = {r.key for r in program.residents}
    rows = data.get("residents", {})
    gone = sorted(key for key in rows if key not in here)
    for key in gone:
        del rows[key]
    note = f"copy of {schedule.label}" + (f", without {', '.join(gone)} (archived)"
                                          if gone else "")
    draft = Schedule(program_id=program.id, data=data, created_by=user, note=note)
    db.session.add(draft)
    db.session.flush()
    return draft


def discard(schedule: Schedule) -> None:
    """Delete a draft the chief no longer wants; a published version is never deleted.
    A solve that made it keeps its record (its link to the draft is cleared). Flushes."""
    if schedule.state != "draft":
        raise ScheduleError(f"{schedule.label} is published, and versions are kept for good")
    db.session.delete(schedule)
    db.session.flush()


@kept_if_ok
def publish(program: Program, schedule: Schedule, user) -> Schedule:
    """Publish a draft as the program's next version, if it breaks no hard rule. Residents
    then see it; the audit log says who published it. The version keeps the program file
    it was checked against (see `year_of`). Flushes."""
    if schedule.state != "draft":
        raise ScheduleError(f"{schedule.label} is already published")
    report = checker.check(program_year(program), as_file(schedule.data),
                           resolved_from(program, schedule.data))
    if not report.ok:
        problems = report.errors + report.violations
        raise ScheduleError(f"it breaks {len(problems)} hard rule(s), e.g. "
                            + "; ".join(f.message for f in problems[:3]))
    schedule.state, schedule.version = "published", next_version(program)
    schedule.program_toml = export_toml(program)
    schedule.published_at, schedule.published_by = now(), user
    db.session.flush()
    audit.record("schedule.published", program=program, actor=user, subject=schedule.label,
                 schedule_id=schedule.id, version=schedule.version)
    notify(residents_of(program), program, f"{program.name}: schedule version "
           f"{schedule.version} is published",
           f"Version {schedule.version} of the {program.name} schedule is published: your "
           "year is on your schedule page and in your calendar.",
           page("me.my_schedule", program_id=program.id))
    return schedule


def next_version(program: Program) -> int:
    """The number the program's next published block version takes."""
    last = db.session.scalar(select(func.max(Schedule.version))
                             .where(Schedule.program_id == program.id))
    return (last or 0) + 1


def publish_edit(program: Program, base: Schedule, data: dict[str, Any], user,
                 note: str) -> Schedule:
    """Publish `data`, an edit of the published version `base` already checked against
    `base`'s own program file (residents swapping service weeks), as the program's next
    version; it keeps that program file. Audited as any publish; telling the residents it
    concerns is the caller's. Flushes; ScheduleError when another version took the number
    at the same moment."""
    if base.state != "published" or base.version is None:
        raise ScheduleError(f"{base.label} is not a published version")
    # The base's number + 1, not the highest + 1: when another request published a version
    # on the same base meanwhile, the unique version rule refuses this one.
    version = Schedule(program_id=program.id, data=data, state="published",
                       version=base.version + 1,
                       program_toml=base.program_toml or export_toml(program),
                       created_by=user, published_by=user, published_at=now(), note=note)
    add_unique(version, ScheduleError("another version was published meanwhile; try again"))
    audit.record("schedule.published", program=program, actor=user, subject=version.label,
                 schedule_id=version.id, version=version.version, edit_of=base.version)
    return version


def latest_published(program: Program) -> Schedule | None:
    return db.session.scalar(select(Schedule).where(
        Schedule.program_id == program.id, Schedule.state == "published"
    ).order_by(Schedule.version.desc()).limit(1))


def replaced(program: Program, row: Schedule) -> Schedule | None:
    """What a schedule is compared with by default: for a published version, the version
    it replaced (the one before it, None for the first); for a draft, the latest published
    version."""
    if row.state != "published":
        return latest_published(program)
    return db.session.scalar(select(Schedule).where(
        Schedule.program_id == program.id, Schedule.state == "published",
        Schedule.version < row.version).order_by(Schedule.version.desc()).limit(1))


@dataclass(frozen=True)
class Publishing:
    """What publishing a draft changes against the latest published version (None: there
    is none): cells in all, cells of blocks that ended before today, the residents whose
    vacation or weekly-service weeks move (by name), and the weeks away it adds that begin
    within SOON_DAYS of today (in words: a resident told at short notice)."""

    against: str | None
    cells: int = 0
    worked: list[int] = field(default_factory=list)   # blocks already worked that change
    moved: list[str] = field(default_factory=list)    # names
    soon: list[str] = field(default_factory=list)     # "Ash Pellow: vacation from 7 Dec 2026"

    def question(self, label: str) -> str:
        """The chief's confirmation before publishing, in plain words."""
        asked = f"Publish {label} as the next version? Residents see it at once."
        if self.against is None:
            return asked
        said = [f"{self.cells} cell(s) differ from {self.against}"]
        if self.worked:
            said.append("including blocks already worked (" +
                        ", ".join(map(str, self.worked)) + ")")
        if self.moved:
            shown = self.moved[:5] + ([f"{len(self.moved) - 5} more"]
                                      if len(self.moved) > 5 else [])
            said.append(f"and booked vacation or service weeks move for "
                        f"{plural(len(self.moved), 'resident')} ({', '.join(shown)})")
        text = f"{asked} {', '.join(said)}."
        if self.soon:
            text += (f" Weeks away that begin within {SOON_DAYS} days: "
                     f"{'; '.join(self.soon)}.")
        return text


SOON_DAYS = 14   # a week away added this close to today is named in the confirmation


def what_publishing_changes(year: ProgramYear, row: Schedule, published: Schedule | None,
                            today: date) -> Publishing:
    """What publishing the draft `row` would change (see `Publishing`)."""
    if published is None:
        return Publishing(None)
    cells, moved = diff(published.data, row.data)
    worked = sorted({d.block for d in cells if d.block <= len(year.blocks)
                     and year.blocks[d.block - 1].end < today})

    def name(rid: str) -> str:
        person = year.resident_by_id.get(rid)
        return (person.name or rid) if person is not None else rid

    calendar = year.calendar
    soon = [f"{name(m.resident)}: {'vacation' if m.kind == 'vacation' else m.kind} from "
            f"{day_in_words(calendar.week_start(w))}"
            for m in moved for w in m.added
            if today <= calendar.week_start(w) <= today + timedelta(days=SOON_DAYS)]
    return Publishing(published.label, len(cells), worked,
                      sorted({name(m.resident) for m in moved}), soon)


@dataclass
class Difference:
    resident: str
    block: int
    before: str
    after: str


@dataclass
class WeekChange:
    """A resident's weeks away from their rotation that differ between two versions: their
    vacation weeks (`kind` 'vacation') or their weeks on a weekly service (its code)."""

    resident: str
    kind: str
    dropped: list[int]   # weeks in the older version only
    added: list[int]     # weeks in the newer one only


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[Difference], list[WeekChange]]:
    """Cells whose rotation differs, and weeks away (vacation, each weekly service) that
    moved, resident by resident."""
    a, b = as_file(old).residents, as_file(new).residents
    cells: list[Difference] = []
    weeks: list[WeekChange] = []
    for rid in sorted(set(a) | set(b)):
        left = a[rid].rotations if rid in a else []
        right = b[rid].rotations if rid in b else []
        for block in range(1, max(len(left), len(right)) + 1):
            was = left[block - 1] if block <= len(left) else "—"
            now_ = right[block - 1] if block <= len(right) else "—"
            if was != now_:
                cells.append(Difference(rid, block, cell_label(was), cell_label(now_)))
        away_a = {"vacation": a[rid].vacation_weeks, **a[rid].services} if rid in a else {}
        away_b = {"vacation": b[rid].vacation_weeks, **b[rid].services} if rid in b else {}
        for kind in sorted(set(away_a) | set(away_b), key=lambda k: (k != "vacation", k)):
            older, newer = set(away_a.get(kind, [])), set(away_b.get(kind, []))
            if older != newer:
                weeks.append(WeekChange(rid, kind, sorted(older - newer),
                                        sorted(newer - older)))
    return cells, weeks
