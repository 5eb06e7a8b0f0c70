"""Saving program entries (rotations, residents, settings), checked as a program file is.

Every change is checked the way a program file is: the whole program, changed, goes through
the engine's validator (`scheduler.validation`), so a form says what an imported file would
("unknown rotation 'SICUU'"), on the field at fault, in the form's words where the file's
differ ("“At most” (1) is below “At least” (3)", `views.in_form_words`). A change that
breaks the program is not kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scheduler import FileError
from scheduler.calendar import day_in_words
from scheduler.sources import LISTS, Source

from .choices import GROUP_PREFIX, closed_to, target_value
from .extensions import db
from .models import Program
from .program_file import solved_requests, validate
from .setup_changes import rows_of
from .transaction import refusable


@dataclass
class Outcome:
    """The result of a set-up change: `field_errors` by form field for the entry that was
    edited, and `errors` elsewhere in the program that the change would cause."""

    field_errors: dict[str, list[str]] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)
    needed_by: str = ""   # a refused delete: the entries that still name it (`needed_by`)

    @property
    def ok(self) -> bool:
        return not self.field_errors and not self.errors and not self.needed_by


def save_entry(program: Program, section: str, row: Any, collection: list[Any],
               change: Callable[[Any], None], field_names: dict[str, str] | None = None,
               locate: Callable[[Any], str] | None = None) -> Outcome:
    """Apply `change` to `row` (added to `collection`, the program's list of `section`
    entries, when new), validate the whole program, and keep the change only if it is
    valid. Errors of the entry itself come back by form field (`field_names` maps file keys
    to form fields when they differ). `locate` gives the entry's path in the file when it is
    not its place in `collection`. Flushes when kept; a refused change undoes only itself
    (`transaction.refusable`), never the rest of the request."""
    with refusable() as refusal:
        with db.session.no_autoflush:
            unmet = never_met(program)
            change(row)
            if row not in collection:
                collection.append(row)
            if locate is not None:
                prefix = locate(row)
            elif section == "program":
                prefix = section
            else:
                prefix = f"{section}[{collection.index(row)}]"
            result = validate(program)
        outcome = _outcome(program, result.errors, prefix, field_names or {})
        # Where the entry's new code is refused, what the renaming would break elsewhere is
        # not said yet: it follows from a code the entry cannot have (a rotation renamed to
        # a code already taken read as if every entry naming it were broken).
        outcome.errors = [] if "code" in outcome.field_errors else \
            grouped(program, outcome.errors)
        if outcome.ok:
            with db.session.no_autoflush:
                outcome.errors = _newly_never_met(program, unmet)
        if not outcome.ok:
            refusal.refuse()
    return outcome


def never_met(program: Program) -> dict[int, str]:
    """The approved requests for a rotation, group or weekly service that never takes the
    resident who asked (request id -> why, in words). Approved, a request is hard: the year
    would have no schedule, which the chief would learn only when solving."""
    found: dict[int, str] = {}
    closed: dict[int, set[str]] = {}
    for request in solved_requests(program):
        if request.status != "approved" or request.kind != "assign":
            continue
        resident = request.resident
        if resident.id not in closed:
            closed[resident.id] = closed_to(program, resident)
        value = target_value(program, request.details)
        if value in closed[resident.id]:
            found[request.id] = (f"{value.removeprefix(GROUP_PREFIX)} would not take "
                                 f"{resident.level} {resident.track} residents")
    return found


def _newly_never_met(program: Program, before: dict[int, str]) -> list[FileError]:
    """The approved requests a change would leave never met (`never_met`) that were met
    before it, as errors on those requests: the change is refused, as a hard blackout over
    approved vacation is (setup.policy.approved_vacation_in)."""
    after = never_met(program)
    return grouped(program, [
        FileError(f"request[{i}]", f"this approved request could then never be met: "
                  f"{after[request.id]}; decline or change it first (Requests)")
        for i, request in enumerate(solved_requests(program))
        if request.id in after and request.id not in before])


def delete_entry(program: Program, row: Any, collection: list[Any]) -> Outcome:
    """Remove an entry unless the program would then be invalid (a rotation still named by a
    requirement, say); then say which entries still need it."""
    with refusable() as refusal:
        with db.session.no_autoflush:
            collection.remove(row)
            result = validate(program)
        if result.errors:
            said = needed_by(program, result.errors)
            refusal.refuse()
            return Outcome(needed_by=said)
        db.session.delete(row)
    return Outcome()


def needed_by(program: Program, errors: list[FileError]) -> str:
    """What the errors of a program without an entry say of it, in a chief's words: the
    entries that still name it ('requirement “R4 IR surgical ICU” names it; change or delete
    it first'), not the validator's words for them ('unknown rotation 'SICU''), which read
    as if the entry did not exist."""
    paths = [e.path for e in errors]
    one = len({entry_label(program, path) or path for path in paths}) == 1
    return (f"{_some(program, paths)} {'names' if one else 'name'} it; change or delete "
            f"{'it' if one else 'them'} first")


def grouped(program: Program, errors: list[FileError]) -> list[FileError]:
    """Errors in other entries, once per message, naming the entries it is found in: a
    change of the settings that drops a level every rotation names says so in one line, not
    in a hundred (browser walk-through)."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(in_words(program, error.message), []).append(error.path)
    return [FileError(_some(program, paths), message) for message, paths in found.items()]


# The entries of a section, one and many, as a count of them says it ('and 34 more residents').
_KINDS = {"rotation": ("rotation", "rotations"), "resident": ("resident", "residents"),
          "requirement": ("requirement", "requirements"), "rule": ("rule", "rules"),
          "request": ("request", "requests"), "blackout": ("blackout", "blackouts"),
          "away_limit": ("away limit", "away limits"),
          "service": ("weekly service", "weekly services"),
          "work_hours": ("set of working hours", "sets of working hours"),
          "call_pool": ("call pool", "call pools"),
          "call_request": ("call request", "call requests")}


def _some(program: Program, paths: list[str], shown: int = 3) -> str:
    """The entries these paths point into, once each and kind by kind: the first `shown` of
    a kind named, the rest counted, so that a chief knows which list holds them ('resident
    Ash Ito, resident Bea Lund, resident Cal Moss and 34 more residents; requirement “R1
    NUC”')."""
    kinds: dict[str, list[str]] = {}
    for path in paths:
        place = Source.parse(path)
        kinds.setdefault(place.section if place else "", []).append(
            entry_label(program, path) or path)
    said = []
    for kind, found in kinds.items():
        names = list(dict.fromkeys(found))
        more = len(names) - shown
        one, many = _KINDS.get(kind, ("entry", "entries"))
        said.append(", ".join(names[:shown])
                    + (f" and {more} more {one if more == 1 else many}" if more > 0 else ""))
    return "; ".join(said)


def _outcome(program: Program, errors: list[FileError], prefix: str,
             field_names: dict[str, str]) -> Outcome:
    outcome = Outcome()
    entry = Source.parse(prefix)
    for error in errors:
        place = Source.parse(error.path)
        if place is not None and place.entry == entry and place.field:
            key = re.split(r"[.\[]", place.field)[0]
            name = field_names.get(key, key)
            outcome.field_errors.setdefault(name, []).append(in_words(program, error.message))
        elif error.path == prefix:
            outcome.field_errors.setdefault("", []).append(in_words(program, error.message))
        else:
            outcome.errors.append(error)
    for name, messages in outcome.field_errors.items():
        outcome.field_errors[name] = list(dict.fromkeys(messages))   # once per field
    return outcome


_ENTRY_PATH = re.compile(r"\b(?:" + "|".join(LISTS) + r")\[\d+\]")


def in_words(program: Program, message: str) -> str:
    """A validator's message as a form shows it: the entries it points to by their place
    in the file ('also resident[3]', 'overlaps blackout[0]') named as a chief names them
    ('also resident Ash Ito', 'overlaps blackout “R1 orientation”')."""
    return _ENTRY_PATH.sub(lambda m: entry_label(program, m.group(0)) or m.group(0), message)


# A date standing as a word of its own (not inside a file name: "log-2027-08-01.csv").
_ISO_DATE = re.compile(r"(?<![\w.-])\d{4}-\d{2}-\d{2}(?![\w-]|\.\w)")


def dates_in_words(sentence: str) -> str:
    """A sentence of the engine's with its ISO dates in words: 'no vacation from 2027-07-01'
    reads 'no vacation from 1 Jul 2027'."""
    def worded(match: re.Match[str]) -> str:
        try:
            return day_in_words(date.fromisoformat(match.group(0)))
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(worded, sentence)


def said_plainly(sentence: str, people: Iterable[tuple[str, str]]) -> str:
    """A sentence of the engine's as pages say it: each resident by name alone ('Leila
    Brandt', where the engine writes 'Leila Brandt (brandt)' for readers of the program
    file), and dates in words. `people`: (name, id) of the program's residents."""
    for name, key in people:
        if name:
            sentence = sentence.replace(f"{name} ({key})", name)
    return dates_in_words(sentence)


def plainly(sentence: str, program: Program) -> str:
    """`said_plainly` with the residents of a program as the app keeps it (a page's
    filter)."""
    return said_plainly(sentence, [(r.name, r.key) for r in program.residents])


def case_clash(program: Program, code: str, own: object | None) -> Outcome | None:
    """Refuse a rotation or service code that differs from another one (not `own`'s) only in
    case ('sicu' beside 'SICU'): the program file tells them apart, a chief reading the grid
    would not. None when the code is clear of them."""
    taken = [r.code for r in program.rotations if r is not own]
    services = [str(s.entry.get("code", "")) for s in program.services if s is not own]
    if code in services and own not in program.services:
        # said on the rotation's own field, not as the service's error ("service NF: 'NF'
        # is already a rotation code" read backwards; browser walk-through)
        return Outcome(field_errors={"code": [
            f"'{code}' is already the code of a weekly service: use a code of its own"]})
    taken += services
    clash = next((c for c in taken if c != code and c.casefold() == code.casefold()), None)
    if clash is None:
        return None
    return Outcome(field_errors={"code": [
        f"'{code}' differs from {clash} only in upper and lower case: use {clash}, or a "
        "code of its own"]})


def parse_counts(text: str) -> dict[str, int]:
    """'NM = 2, BREAST = 1' -> {'NM': 2, 'BREAST': 1}; raises ValueError saying what is wrong."""
    counts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not re.fullmatch(r"[0-9]{1,6}", value):
            raise ValueError(f"'{part}' is not CODE = number of blocks")
        counts[key] = int(value)
    return counts


def format_counts(counts: Mapping[str, object]) -> str:
    return ", ".join(f"{key} = {value}" for key, value in counts.items())


def split_list(text: str) -> list[str]:
    """'IR, CLINICAL' -> ['IR', 'CLINICAL'] (blank entries dropped)."""
    return [p.strip() for p in re.split(r"[,\s]+", text) if p.strip()]


def text(data: dict, key: str) -> str:
    """A text field's value, trimmed ('' when the field was not sent)."""
    return (data.get(key) or "").strip()


def labelled(program: Program, errors: list[FileError]) -> list[FileError]:
    """Errors with their path in words: 'requirement[19].rotation' becomes
    'requirement “R4 surgical ICU” (requirement[19].rotation)'."""
    return [FileError(f"{entry_label(program, e.path)} ({e.path})", e.message)
            if entry_label(program, e.path) else e for e in errors]


def _call_label(program: Program, section: str, index: int) -> str:
    """A call entry (kept whole in `Program.call_rules`) as a chief names it."""
    entries = (program.call_rules or {}).get(section, [])
    if index >= len(entries):
        return ""
    entry = entries[index]
    if section == "work_hours":
        return f"working hours of {entry.get('rotation') or entry.get('service')}"
    if section == "call_pool":
        return f"call pool {entry.get('code')}"
    return f"call request of {entry.get('resident')}"


def entry_label(program: Program, path: str) -> str:
    """The entry a file path points into, as a chief would name it ('' if unknown)."""
    place = Source.parse(path)
    if place is not None and place.section == "program":
        return "program settings"
    if place is None or place.index is None or place.section not in LISTS:
        return ""
    section, index = place.section, place.index
    if section in ("work_hours", "call_pool", "call_request"):
        return _call_label(program, section, index)
    rows: list[Any] = solved_requests(program) if section == "request" \
        else rows_of(program, section)
    if index >= len(rows):
        return ""
    row = rows[index]
    if section == "rotation":
        return f"rotation {row.code}"
    if section == "resident":
        return f"resident {row.label}"
    if section == "requirement":
        name = row.entry.get("name")
        return f"requirement “{name}”" if name else f"requirement {index + 1}"
    if section == "rule":
        if row.entry.get("name"):
            return f"rule “{row.entry['name']}”"
        target = row.entry.get("rotation") or row.entry.get("group") or row.entry.get("service")
        return f"{row.kind.replace('_', ' ')} rule on {target}"
    if section == "request":
        return f"{row.kind} request of {row.resident.label}"
    if section == "service":
        return f"service {row.entry.get('code')}"
    name = row.entry.get("name")
    what = section.replace("_", " ")
    return f"{what} “{name}”" if name else f"{what} {index + 1}"
