"""Editing a program's procedure catalogue and case-log targets.

Every change is checked the way `caselog` reads a catalogue: the whole catalogue, as it would
be after the change, goes through `caselog.Catalogue` (codes unique across categories and
procedure types, CPT codes of five characters, a target counting one category or one kind,
"the last N years" only with a window of months, no target on an unknown category). A change
that breaks it is not kept; the errors come back on the form fields of the edited entry, in
words, and errors it would cause elsewhere name the entry at fault.

A new category starts without procedure types. Until it has one it counts toward nothing:
the domain only sees categories with procedure types (`services.catalogue_of`), so no target
may count an empty category.

The running tallies count cases per category and per kind, so a change that moves cases
between them (a procedure type moved to another category, a category's kind or code
changed) rebuilds the program's tally. Plain functions: they flush; the request commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import distinct, func, select

from caselog import Catalogue, Category, Target

from ..entries import Outcome, split_list, text
from ..extensions import db
from ..models import Case, CaseProcedure, CaseTarget, ProcedureCategory, ProcedureType, Program
from ..transaction import kept_if_ok
from . import tally
from .services import categories

CPT_FORMAT = "five characters: four digits, then a digit or a capital letter (36556, 0075T)"


# --- the catalogue as it would be after a change ------------------------------------------

@dataclass(eq=False)
class _Type:
    row: ProcedureType | None   # None: the procedure type being added
    code: str
    name: str
    cpt: list[str]

    def label(self) -> str:
        return f"procedure type {self.name} ({self.code})"


@dataclass(eq=False)
class _Category:
    row: ProcedureCategory | None
    code: str
    name: str
    kind: str
    types: list[_Type] = field(default_factory=list)

    def label(self) -> str:
        return f"category {self.name} ({self.code})"


@dataclass(eq=False)
class _Target:
    row: CaseTarget | None
    entry: dict[str, Any]

    def label(self) -> str:
        return f"target “{self.entry.get('name', '')}”"


_Entry = _Type | _Category | _Target


def _draft(program: Program) -> tuple[list[_Category], list[_Target]]:
    """The program's catalogue and targets as plain values a change can be tried on."""
    cats = [_Category(c, c.code, c.name, c.kind,
                      [_Type(t, t.code, t.name, list(t.cpt)) for t in c.types])
            for c in categories(program)]
    targets = [_Target(t, dict(t.entry)) for t in db.session.scalars(
        select(CaseTarget).where(CaseTarget.program_id == program.id)
        .order_by(CaseTarget.position, CaseTarget.id))]
    return cats, targets


@dataclass
class _Problem:
    """Something caselog's models refuse: the entries that may be at fault (none: the
    catalogue as a whole), the field, the message in words; `code` for a code used twice."""

    entries: list[_Entry]
    field: str
    message: str
    code: str = ""


def _problems(cats: list[_Category], targets: list[_Target]) -> list[_Problem]:
    """Everything caselog's models refuse in this catalogue."""
    shown = [c for c in cats if c.types]   # what the domain sees (services.catalogue_of)
    owners: dict[str, list[_Entry]] = {}
    for category in cats:
        owners.setdefault(category.code, []).append(category)
        for procedure in category.types:
            owners.setdefault(procedure.code, []).append(procedure)
    found: list[_Problem] = []
    try:
        Catalogue.model_validate({
            "category": [{"code": c.code, "name": c.name, "kind": c.kind,
                          "procedures": [{"code": t.code, "name": t.name, "cpt": t.cpt}
                                         for t in c.types]} for c in shown],
            "target": [t.entry for t in targets]})
    except ValidationError as error:
        found += [_placed(problem, shown, targets, cats, owners) for problem in error.errors()]
    # Categories without procedure types are not in the domain's catalogue: check their own
    # fields, and that their codes are not used twice, here.
    for category in cats:
        if category.types:
            continue
        try:
            Category.model_validate({"code": category.code, "name": category.name,
                                     "kind": category.kind, "procedures": []})
        except ValidationError as error:
            found += [_Problem([category], str(p["loc"][0]), _words(p, str(p["loc"][0])))
                      for p in error.errors() if p["loc"] != ("procedures",)]
        if len(owners.get(category.code, [])) > 1:
            found.append(_Problem(owners[category.code], "code",
                                  f"code '{category.code}' is used twice", category.code))
    return found


def _placed(problem: Mapping[str, Any], shown: list[_Category], targets: list[_Target],
            cats: list[_Category], owners: dict[str, list[_Entry]]) -> _Problem:
    """A pydantic error of the whole catalogue: the entry it is about, the field, words."""
    loc = problem["loc"]
    if loc and loc[0] == "category" and len(loc) > 1:
        category = shown[loc[1]]
        if len(loc) > 3 and loc[2] == "procedures":
            name = str(loc[4]) if len(loc) > 4 else ""
            return _Problem([category.types[loc[3]]], name, _words(problem, name))
        name = str(loc[2]) if len(loc) > 2 else ""
        return _Problem([category], name, _words(problem, name))
    if loc and loc[0] == "target" and len(loc) > 1:
        name = str(loc[2]) if len(loc) > 2 else ""
        message = _words(problem, name)
        if not name:   # the target as a whole: put it on the field that can fix it
            name = "last_years" if "window" in message else "category"
        return _Problem([targets[loc[1]]], name, message)
    message = _words(problem, "")
    twice = re.fullmatch(r"code '(.*)' is used twice", message)
    if twice:
        return _Problem(owners.get(twice.group(1), []), "code", message, twice.group(1))
    unknown = re.fullmatch(r"target '(.*)': unknown category '(.*)'", message)
    if unknown:
        code = unknown.group(2)
        if any(c.code == code for c in cats):
            message = (f"category {code} has no procedure types, and a target cannot count "
                       "an empty category")
        else:
            message = f"there is no category {code} in the catalogue"
        named: list[_Entry] = [t for t in targets if t.entry.get("name") == unknown.group(1)]
        return _Problem(named[:1],
                        "category", message)
    return _Problem([], "", message)


def _words(problem: Mapping[str, Any], name: str) -> str:
    """A pydantic error in plain words."""
    kind, ctx, value = problem["type"], problem.get("ctx") or {}, problem.get("input")
    if kind == "string_pattern_mismatch":
        if name == "cpt":
            return f"'{value}' is not a CPT code: {CPT_FORMAT}"
        return "use only letters, digits, '-' and '_' (no spaces)"
    if kind == "string_too_short":
        return "cannot be blank"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind == "literal_error":
        return f"choose {ctx.get('expected', 'one of the choices')}".replace("'", "")
    if kind == "greater_than_equal":
        return f"at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"at most {ctx.get('le'):,}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind == "missing":
        return "required"
    if kind == "value_error":
        message = str(problem["msg"]).removeprefix("Value error, ")
        if message == "last_years needs window_months":
            return "“in the last years” needs a window: give the window in months too"
        if message == "a target counts one category or one kind, not both":
            return "a target counts one category or one kind, not both: leave one blank"
        return message
    return str(problem["msg"])


def _check(cats: list[_Category], targets: list[_Target], edited: _Entry | None) -> Outcome:
    """The catalogue's problems: those of `edited` by form field, the others (which the
    change would cause) with the entry at fault named."""
    outcome = Outcome()
    for problem in _problems(cats, targets):
        if any(entry is edited for entry in problem.entries):
            key, message = problem.field, problem.message
            others = [e for e in problem.entries if e is not edited]
            if problem.code and others:
                message = f"code {problem.code} is already used by {others[0].label()}"
        elif problem.entries:
            key, message = "", f"{problem.entries[0].label()}: {problem.message}"
        else:
            key, message = "", problem.message
        messages = outcome.field_errors.setdefault(key, [])
        if message not in messages:
            messages.append(message)
    return outcome


def _refused(message: str) -> Outcome:
    return Outcome(field_errors={"": [message]})


# --- categories ---------------------------------------------------------------------------

@kept_if_ok
def save_category(program: Program, row: ProcedureCategory | None,
                  data: dict[str, Any]) -> Outcome:
    """Add a category or change one: its code (unique among every code of the catalogue,
    categories and procedure types alike), name and kind (procedure, or reading for
    interpretation logs). Targets counting the category follow a change of its code. Kept
    only if the catalogue stays valid; a new kind or code recounts the tally. Flushes."""
    cats, targets = _draft(program)
    code, name, kind = text(data, "code"), text(data, "name"), data.get("kind") or "procedure"
    recount, moved_targets = False, []
    if row is None:
        edited = _Category(None, code, name, kind)
        cats.append(edited)
    else:
        edited = next(c for c in cats if c.row is row)
        recount = code != edited.code or kind != edited.kind
        if code != edited.code:
            for target in targets:
                if target.entry.get("category") == edited.code:
                    target.entry = {**target.entry, "category": code}
                    moved_targets.append(target)
        edited.code, edited.name, edited.kind = code, name, kind
    outcome = _check(cats, targets, edited)
    if not outcome.ok:
        return outcome
    if row is None:
        row = ProcedureCategory(program_id=program.id, position=_after(
            [c.row.position for c in cats if c.row is not None]))
        db.session.add(row)
    row.code, row.name, row.kind = code, name, kind
    for target in moved_targets:
        if target.row is not None:
            target.row.entry = target.entry
    db.session.flush()
    if recount:
        tally.rebuild(program)
    return outcome


@kept_if_ok
def delete_category(program: Program, row: ProcedureCategory) -> Outcome:
    """Delete a category, only once it has no procedure types (move or delete them first)
    and no target counts it. Flushes."""
    if row.types:
        return _refused(f"Category {row.name} ({row.code}) still has {len(row.types)} "
                        "procedure type(s): move or delete them first.")
    cats, targets = _draft(program)
    cats = [c for c in cats if c.row is not row]
    counting = [t for t in targets if t.entry.get("category") == row.code]
    if counting:
        return _refused(f"Category {row.code} is counted by "
                        f"{', '.join(t.label() for t in counting)}: change that first.")
    outcome = _check(cats, targets, None)
    if outcome.ok:
        db.session.delete(row)
        db.session.flush()
    return outcome


# --- procedure types ----------------------------------------------------------------------

def parse_cpt(value: str | list[str] | None) -> list[str]:
    """'36556, 0075t' -> ['36556', '0075T'] (commas, semicolons or spaces between codes;
    each code once)."""
    parts = value if isinstance(value, list) else re.split(r"[,;\s]+", value or "")
    found: list[str] = []
    for part in (p.strip().upper() for p in parts):
        if part and part not in found:
            found.append(part)
    return found


@kept_if_ok
def save_type(program: Program, row: ProcedureType | None, data: dict[str, Any]) -> Outcome:
    """Add a procedure type or change one: code (unique among every code of the catalogue),
    name, category, and CPT codes (optional; five characters each, e.g. 36556 or 0075T).
    Kept only if the catalogue stays valid. Moving a type to another category moves its
    logged cases' counts with it: the tally is recounted. Flushes."""
    cats, targets = _draft(program)
    home = next((c for c in cats if c.row is not None and c.row.id == data.get("category")),
                None)
    if home is None:
        return Outcome(field_errors={"category": ["choose one of the catalogue's categories"]})
    code, name, cpt = text(data, "code"), text(data, "name"), parse_cpt(data.get("cpt"))
    moved = False
    if row is None:
        edited = _Type(None, code, name, cpt)
        home.types.append(edited)
    else:
        before = next(c for c in cats if any(t.row is row for t in c.types))
        edited = next(t for t in before.types if t.row is row)
        if before is not home:
            before.types.remove(edited)
            home.types.append(edited)
            moved = True
        edited.code, edited.name, edited.cpt = code, name, cpt
    outcome = _check(cats, targets, edited)
    if not outcome.ok:
        return outcome
    position = _after([t.row.position for t in home.types if t.row is not None
                       and t.row is not row])
    category = home.row
    assert category is not None  # `home` was found among the stored categories
    if row is None:
        row = ProcedureType(program_id=program.id, position=position)
        category.types.append(row)
    elif moved:
        row.category, row.position = category, position
    row.code, row.name, row.cpt = code, name, cpt
    db.session.flush()
    if moved:
        tally.rebuild(program)
    return outcome


def cases_using(row: ProcedureType) -> int:
    """How many logged cases name this procedure type (as primary or other procedure)."""
    return db.session.scalar(select(func.count(distinct(CaseProcedure.case_id))).where(
        CaseProcedure.type_id == row.id)) or 0


def cases_per_type(program: Program) -> dict[int, int]:
    """Procedure type id -> how many of the program's logged cases name it."""
    return dict(db.session.execute(
        select(CaseProcedure.type_id, func.count(distinct(CaseProcedure.case_id)))
        .join(Case, Case.id == CaseProcedure.case_id)
        .where(Case.program_id == program.id).group_by(CaseProcedure.type_id)).all())


@kept_if_ok
def delete_type(program: Program, row: ProcedureType) -> Outcome:
    """Delete a procedure type no logged case names (a used one stays: rename it or move it
    instead), unless a target counts its category and it is the category's last type.
    Residents' favourites built on it go with it. Flushes."""
    used = cases_using(row)
    if used:
        return _refused(f"{row.name} ({row.code}) is in {used} logged case"
                        f"{'s' if used != 1 else ''}: it cannot be deleted. Rename it or move "
                        "it to another category instead.")
    cats, targets = _draft(program)
    for category in cats:
        category.types = [t for t in category.types if t.row is not row]
    outcome = _check(cats, targets, None)
    if outcome.ok:
        row.category.types.remove(row)
        db.session.flush()
    return outcome


# --- targets ------------------------------------------------------------------------------

def target_entry(data: dict[str, Any]) -> dict[str, Any]:
    """A target as caselog reads it, from form data (blank fields left out)."""
    entry = {"name": text(data, "name"), "count": data.get("count"),
             "category": text(data, "category") or None, "kind": text(data, "kind") or None,
             "tracks": split_list(data.get("tracks") or "") or None,
             "window_months": data.get("window_months"), "last_years": data.get("last_years"),
             "confirmed": bool(data.get("confirmed")), "source": text(data, "source")}
    return {key: value for key, value in entry.items() if value is not None}


@kept_if_ok
def save_target(program: Program, row: CaseTarget | None, data: dict[str, Any]) -> Outcome:
    """Add a target or change one: `count` cases — of all categories, of one kind, or of one
    category (not both) — for some of the program's tracks (all when none are named; a
    track the program does not have is refused unless the target already named it),
    optionally within any `window_months` months of the last `last_years` years of
    residency; confirmed rule or example, with its source. Kept only if the catalogue stays
    valid. Flushes."""
    entry = target_entry(data)
    kept = (row.entry.get("tracks") or []) if row is not None else []
    unknown = [t for t in entry.get("tracks") or [] if t not in program.tracks and t not in kept]
    if unknown:
        return Outcome(field_errors={"tracks": [
            f"no track {', '.join(unknown)} in this program (its tracks: "
            f"{', '.join(program.tracks)})"]})
    cats, targets = _draft(program)
    if row is None:
        edited = _Target(None, entry)
        targets.append(edited)
    else:
        edited = next(t for t in targets if t.row is row)
        edited.entry = entry
    outcome = _check(cats, targets, edited)
    if not outcome.ok:
        return outcome
    if row is None:
        row = CaseTarget(program_id=program.id, position=_after(
            [t.row.position for t in targets if t.row is not None]))
        db.session.add(row)
    row.entry = Target.model_validate(entry).model_dump(exclude_defaults=True)
    db.session.flush()
    tally.rebuild_days(program)       # the windowed measures may have changed
    return outcome


@kept_if_ok
def delete_target(program: Program, row: CaseTarget) -> Outcome:
    """Delete a target: residents are no longer measured against it (counts are kept).
    Flushes."""
    db.session.delete(row)
    db.session.flush()
    tally.rebuild_days(program)
    return Outcome()


def target_words(target: Target, names: dict[str, str]) -> str:
    """A target in words, e.g. 'ESIR track: 500 procedures' or 'All tracks: 240 cases of
    Mammography interpretations within any 6 months of the last 2 years of residency';
    `names` maps category codes to names."""
    tracks = target.tracks or []
    who = ("All tracks" if not tracks else f"{tracks[0]} track" if len(tracks) == 1
           else f"{', '.join(tracks[:-1])} and {tracks[-1]} tracks")
    if target.category is not None:
        what = f"cases of {names.get(target.category, target.category)}"
    elif target.kind == "procedure":
        what = "procedures"
    elif target.kind == "reading":
        what = "reading cases"
    else:
        what = "cases"
    words = f"{who}: {target.count:,} {what}"
    if target.window_months is not None:
        words += f" within any {target.window_months} months"
        if target.last_years is not None:
            words += f" of the last {target.last_years} years of residency"
    return words


def _after(positions: list[int]) -> int:
    return max(positions, default=-1) + 1
