"""Reading and validating program files.

`load_program` never raises on a bad file: it returns every error it finds, each with the
path of the offending key (`requirement[2].rotation`) and a plain message. Entry shapes are
checked by the pydantic models in `schema.py`; this module adds the checks that need the whole
file: unknown codes, duplicate ids, crossed bounds, blocks and weeks outside the year.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .calendar import MAX_WEEKS, Calendar
from .call_rules import CallPool, CallRequest, CallSettings, WorkHours
from .call_validation import check_call
from .identifiers import cleaned
from .limits import DEFAULT_LIMITS, Limits
from .positions import Lines, place
from .program import Program, admits
from .schema import (
    FORMATS,
    REQUEST_KINDS,
    RULE_KINDS,
    TOP_LEVEL_KEYS,
    AwayLimit,
    Blackout,
    CoverageRule,
    MaxConsecutiveRule,
    MinConsecutiveRule,
    PrerequisiteRule,
    ProgramInfo,
    Requirement,
    Resident,
    Rotation,
    Service,
    VacationRequest,
)

# (position in the file's list, the validated entry) for each entry of a section
Indexed = list[tuple[int, Any]]


# A program file of 2,000 residents with their requests is about 1 MB.
MAX_PROGRAM_FILE_BYTES = 4_000_000
# Brackets nest at most 3 deep in a program file (history = { NM = 2 } inside [[resident]]);
# tomllib recurses once per level, so a file of thousands of nested arrays would exhaust it.
MAX_NESTING = 32


@dataclass(frozen=True)
class FileError:
    """One problem in a file: where it is (the key's path, and its line when the file's text
    is known) and what is wrong, in words."""

    path: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    @property
    def where(self) -> str:
        """'line 37, rotation 4, max': counted from 1, as a person reads the file."""
        spot = place(self.path)
        return f"line {self.line}, {spot}" if self.line is not None else spot


@dataclass
class LoadResult:
    """A program, or the errors that stopped it from being read."""

    program: Program | None = None
    errors: list[FileError] = field(default_factory=list)
    name: str = ""   # the program's name as the file gives it, even when the file is invalid

    @property
    def ok(self) -> bool:
        return self.program is not None


def format_path(loc: tuple[Any, ...]) -> str:
    """('rotation', 2, 'min') -> 'rotation[2].min'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _pydantic_errors(prefix: tuple[Any, ...], error: ValidationError) -> list[FileError]:
    found = []
    for item in error.errors():
        loc = prefix + tuple(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
        elif kind == "missing":
            message = f"missing required key '{loc[-1]}'"
        else:
            message = item["msg"].removeprefix("Value error, ")
            message = message[0].lower() + message[1:]
        found.append(FileError(format_path(loc), message))
    return found


def load_program_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Read and validate a program file from disk."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        return LoadResult(errors=[FileError("", f"cannot read {path}: {exc.strerror}")])
    except UnicodeDecodeError:
        return LoadResult(errors=[FileError("", "the file is not UTF-8 text")])
    return load_program_text(text, limits=limits)


def load_program_text(text: str, max_bytes: int = MAX_PROGRAM_FILE_BYTES,
                      limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Parse TOML text and validate it as a program file. A file larger than `max_bytes`, or
    nested deeper than any program file needs, is refused before or while it is parsed. A
    byte-order mark before the text (Windows editors write one) is not part of it."""
    text = text.removeprefix("\ufeff")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        return LoadResult(errors=[FileError("", f"the file is {size:,} bytes; a program file "
                                                f"may have at most {max_bytes:,}")])
    depth = _nesting(text)
    if depth > MAX_NESTING:
        return LoadResult(errors=[FileError("", f"the file nests brackets {depth} deep; a "
                                                f"program file needs at most {MAX_NESTING}")])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        return LoadResult(errors=[FileError("", f"not valid TOML: {exc}",
                                            int(at.group(1)) if at else None)])
    except RecursionError:
        return LoadResult(errors=[FileError("", "the file nests too deeply to be read")])
    result = load_program(raw, limits)
    where = Lines(text)
    result.errors = [replace(e, line=where.line_of(e.path)) for e in result.errors]
    return result


def _nesting(text: str) -> int:
    """The deepest run of open brackets and braces in the text (strings included: an
    over-estimate is harmless, the limit is far above what a program file needs)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


# The errors a file's answer lists at most: far more than a person mends at once, and few
# enough that a file made to hold a million mistakes is answered at once.
MAX_ERRORS = 1_000


def load_program(raw: Any, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Validate an already-parsed program file (a dict as tomllib returns it). A file with
    more entries than this installation's `limits` is refused before its entries are read."""
    if not isinstance(raw, dict):
        return LoadResult(errors=[FileError("", "a program file is a table of keys")])
    counts = {key: len(value) for key, value in raw.items() if isinstance(value, list)}
    too_many = limits.exceeded(counts)
    if too_many:
        return LoadResult(errors=[FileError(path, message) for path, message in too_many])
    reader = _Reader(raw)
    program = reader.read()
    errors = reader.errors
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [FileError("", (
            f"{len(errors) - MAX_ERRORS:,} more errors not listed: mend these first"))]
    return LoadResult(program=program if not reader.errors else None, errors=errors,
                      name=_given_name(raw))


def _given_name(raw: dict[str, Any]) -> str:
    """The program's name in a file that may be invalid, in its normal form with any
    character no name may hold left out (echoed back, never kept): '' when it has none."""
    section = raw.get("program")
    given = section.get("name") if isinstance(section, dict) else None
    return cleaned(given)[:200] if isinstance(given, str) else ""


def _lenient(model: type[BaseModel], value: Any) -> Any:
    """What is valid of an entry that is not: the entry without the keys its errors name
    (each then at its default), or None when a key it cannot do without is wrong. Its
    errors are reported by whoever validated it first; this is only for the checks across
    the file."""
    if not isinstance(value, dict):
        return None
    data = dict(value)
    for _ in range(len(value) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            wrong = {error["loc"][0] for error in exc.errors()
                     if error["loc"] and error["loc"][0] in data}
            if not wrong:
                return None
            for key in wrong:
                del data[key]
    return None


class _Reader:
    """Walks one raw program file, collecting every error."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.errors: list[FileError] = []
        self.wrong_keys: set[str] = set()   # paths of keys whose value itself is wrong
        # section -> (index, what is valid of an invalid entry): for references only
        self.named: dict[str, list[tuple[int, Any]]] = {}

    def error(self, path: str, message: str) -> None:
        """An error of the checks across the file; none on a key whose value was already
        found wrong (it is at its default in what they check: `_lenient`)."""
        if path not in self.wrong_keys:
            self.errors.append(FileError(path, message))

    def entry(self, model: type[BaseModel], value: Any, loc: tuple[Any, ...]) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            found = _pydantic_errors(loc, exc)
            self.errors.extend(found)
            self.wrong_keys |= {error.path for error in found}
            return None

    def section(self, name: str) -> list[Any]:
        value = self.raw.get(name, [])
        if not isinstance(value, list):
            self.error(name, f"'{name}' must be a list of tables ([[{name}]])")
            return []
        return value

    def entries(self, name: str, pick: Callable[[int, Any], type[BaseModel] | None]
                ) -> list[tuple[int, Any]]:
        """Validate each item of a list section; keep (index, entry) for the valid ones. Of
        an invalid one, what is valid of it (`_lenient`) goes to `named`: it is not checked
        itself (its errors are said), but others may name it (a rotation with a wrong
        `min_present` is still the rotation a requirement names)."""
        valid = []
        for i, item in enumerate(self.section(name)):
            model = pick(i, item)
            if model is None:
                continue
            parsed = self.entry(model, item, (name, i))
            if parsed is not None:
                valid.append((i, parsed))
            elif (kept := _lenient(model, item)) is not None:
                self.named.setdefault(name, []).append((i, kept))
        return valid

    def with_named(self, name: str, valid: list[tuple[int, Any]]) -> list[Any]:
        """The section's valid entries and what is valid of its invalid ones, in file
        order: what the checks across the file may find by name."""
        return [entry for _, entry in sorted([*valid, *self.named.get(name, [])],
                                             key=lambda pair: pair[0])]

    def by_kind(self, name: str, kinds: Mapping[str, type[BaseModel]]
                ) -> Callable[[int, Any], type[BaseModel] | None]:
        def pick(i: int, item: Any) -> type[BaseModel] | None:
            if not isinstance(item, dict):
                self.error(f"{name}[{i}]", "must be a table")
                return None
            kind = item.get("kind")
            if not isinstance(kind, str) or kind not in kinds:
                allowed = ", ".join(kinds)
                self.error(f"{name}[{i}].kind", f"kind must be one of {allowed} (got {kind!r})")
                return None
            return kinds[kind]

        return pick

    def read(self) -> Program | None:
        for key in self.raw:
            if key not in TOP_LEVEL_KEYS:
                self.error(key, f"unknown key '{key}'")
        fmt = self.raw.get("format")
        if type(fmt) is not int or fmt not in FORMATS:
            self.error("format", f"format must be {' or '.join(map(str, FORMATS))} "
                                 f"(got {self.raw.get('format')!r})")
        if "program" not in self.raw:
            self.error("program", "missing required table [program]")
            info = None
        else:
            info = self.entry(ProgramInfo, self.raw["program"], ("program",))
        # What is valid of an invalid [program] table still checks the rest (levels listed
        # twice, an unknown final level, dates outside the year), all in one answer
        checked = info if info is not None else _lenient(ProgramInfo, self.raw.get("program"))
        rotations = self.entries("rotation", lambda i, item: Rotation)
        residents = self.entries("resident", lambda i, item: Resident)
        requirements = self.entries("requirement", lambda i, item: Requirement)
        rules = self.entries("rule", self.by_kind("rule", RULE_KINDS))
        requests = self.entries("request", self.by_kind("request", REQUEST_KINDS))
        blackouts = self.entries("blackout", lambda i, item: Blackout)
        away_limits = self.entries("away_limit", lambda i, item: AwayLimit)
        services = self.entries("service", lambda i, item: Service)
        call = (self.entry(CallSettings, self.raw["call"], ("call",)) if "call" in self.raw
                else CallSettings())
        call_sections = {
            "work_hours": self.entries("work_hours", lambda i, item: WorkHours),
            "call_pool": self.entries("call_pool", lambda i, item: CallPool),
            "call_request": self.entries("call_request", lambda i, item: CallRequest),
        }
        # Without a valid [program] table the entries are still cross-checked, so one
        # mistake in the header does not hide the others; checks needing it are skipped.
        draft = Program(
            info=checked,
            rotations=self.with_named("rotation", rotations),
            residents=self.with_named("resident", residents),
            requirements=[r for _, r in requirements],
            rules=[r for _, r in rules],
            requests=[r for _, r in requests],
            blackouts=[b for _, b in blackouts],
            away_limits=[a for _, a in away_limits],
            services=self.with_named("service", services),
            call=call or CallSettings(),
            work_hours=[w for _, w in call_sections["work_hours"]],
            call_pools=[p for _, p in call_sections["call_pool"]],
            call_requests=[c for _, c in call_sections["call_request"]],
        )
        check = _CrossCheck(self, draft)
        check.run(rotations, residents, requirements, rules, requests)
        check.run_f2(blackouts, away_limits, services)
        check_call(draft, self.error, call_sections)
        return draft if info is not None else None


class _CrossCheck:
    """Checks that need the whole file: references, duplicates, bounds, the calendar."""

    def __init__(self, reader: _Reader, program: Program):
        self.reader = reader
        self.program = program
        self.info = program.info  # None when the [program] table itself is invalid
        # what is valid of an invalid [program] table checks the rest, but not by a key of
        # it that is wrong (at its default, a misspelt "4week" calendar read as months)
        self.wrong = {key for key in ("calendar", "year_start", "split_blocks")
                      if f"program.{key}" in reader.wrong_keys}
        self.calendar = program.calendar if self.info and not \
            self.wrong & {"calendar", "year_start"} else None

    def error(self, path: str, message: str) -> None:
        self.reader.error(path, message)

    def run(self, rotations: Indexed, residents: Indexed, requirements: Indexed,
            rules: Indexed, requests: Indexed) -> None:
        if self.info is not None:
            self.check_program()
        self.check_rotations(rotations)
        self.check_residents(residents)
        for i, requirement in requirements:
            self.check_requirement(f"requirement[{i}]", requirement)
        for i, rule in rules:
            self.check_rule(f"rule[{i}]", rule)
        for i, request in requests:
            self.check_request(f"request[{i}]", request)

    def check_program(self) -> None:
        info = self.info
        if info.calendar == "months" and info.year_start.day != 1 \
                and self.calendar is not None:
            self.error("program.year_start", "a 'months' calendar must start on the 1st of a month")
        for key in ("levels", "tracks"):
            self.duplicates(f"program.{key}", getattr(info, key), key[:-1])
        if info.vacation_weeks > MAX_WEEKS:
            self.error("program.vacation_weeks", f"at most {MAX_WEEKS} weeks in a year")
        for track, level in info.final_level.items():
            if track not in info.tracks:
                self.error(f"program.final_level.{track}", f"unknown track '{track}'")
            if level not in info.levels:
                self.error(f"program.final_level.{track}", f"unknown level '{level}'")
        seen: set[object] = set()
        for j, day in enumerate(info.holidays):
            if self.calendar is not None and not self.calendar.in_year(day):
                first, last = info.year_start, Calendar(info.year_start).year_end
                self.error(f"program.holidays[{j}]", f"{day} is outside the year "
                                                     f"({first} to {last})")
            elif day in seen:
                self.error(f"program.holidays[{j}]", f"{day} is listed twice")
            seen.add(day)

    def duplicates(self, path: str, values: list[str], what: str) -> None:
        seen: set[str] = set()
        for j, value in enumerate(values):
            if value in seen:
                self.error(f"{path}[{j}]", f"duplicate {what} '{value}'")
            seen.add(value)

    def filters(self, path: str, entry: Any) -> None:
        if self.info is None:
            return
        for key, known in (("levels", self.info.levels), ("tracks", self.info.tracks)):
            for j, value in enumerate(getattr(entry, key, None) or []):
                if value not in known:
                    listed = ", ".join(known)
                    self.error(f"{path}.{key}[{j}]", f"unknown {key[:-1]} '{value}' ({listed})")

    def check_rotations(self, rotations: Indexed) -> None:
        if not self.reader.raw.get("rotation") and self.program.residents:
            self.error("rotation", "residents need at least one rotation to be scheduled on")
        first: dict[str, int] = {}
        for i, rotation in rotations:
            path = f"rotation[{i}]"
            if rotation.code in first:
                self.error(f"{path}.code", f"duplicate rotation code '{rotation.code}' "
                           f"(also rotation[{first[rotation.code]}])")
            first.setdefault(rotation.code, i)
            if rotation.split and "split_blocks" not in self.wrong and \
                    (self.info is None or not self.info.split_blocks):
                self.error(f"{path}.split", "a split rotation needs split blocks switched on "
                                              "(program.split_blocks = true)")
            self.filters(path, rotation)
            if rotation.max is not None and rotation.max < rotation.min:
                self.error(f"{path}.max", f"max {rotation.max} is below min {rotation.min}")
            if rotation.max is not None and rotation.max < rotation.min_present:
                self.error(f"{path}.min_present",
                           f"{rotation.min_present} present on every working day "
                           f"(min_present) is above the most it takes (max {rotation.max})")

    def check_residents(self, residents: Indexed) -> None:
        first: dict[str, int] = {}
        for i, resident in residents:
            path = f"resident[{i}]"
            if resident.id in first:
                also = first[resident.id]
                self.error(f"{path}.id",
                           f"duplicate resident id '{resident.id}' (also resident[{also}])")
            first.setdefault(resident.id, i)
            if self.info is not None and resident.level not in self.info.levels:
                self.error(f"{path}.level", f"unknown level '{resident.level}'")
            if self.info is not None and resident.track not in self.info.tracks:
                self.error(f"{path}.track", f"unknown track '{resident.track}'")
            if resident.vacation_weeks is not None and resident.vacation_weeks > MAX_WEEKS:
                self.error(f"{path}.vacation_weeks", f"at most {MAX_WEEKS} weeks in a year")
            info = self.info
            if info is not None and resident.level in info.levels and \
                    resident.track in info.tracks:
                final = self.program.final_level_of(resident.track)
                if final in info.levels and \
                        info.levels.index(resident.level) > info.levels.index(final):
                    self.error(f"{path}.level", f"{resident.level} is above the {resident.track} "
                                                f"track's final level {final}")
            for key in resident.history:
                if not self.program.is_target(key):
                    self.error(f"{path}.history.{key}", f"unknown rotation or group '{key}'")

    def target(self, path: str, entry: Any, required: bool = True,
               service: bool = False) -> None:
        """The entry names exactly one of rotation, group (and service, where allowed), and
        what it names exists."""
        keys = ("rotation", "group", "service") if service else ("rotation", "group")
        named = [key for key in keys if getattr(entry, key, None) is not None]
        if not service and getattr(entry, "service", None) is not None:
            self.error(f"{path}.service", "this entry cannot name a service")
            return
        if len(named) > 1:
            self.error(path, f"give only one of {', '.join(named)}")
        elif not named:
            if required:
                self.error(path, f"missing target: give {' or '.join(keys)}")
        else:
            key = named[0]
            name = getattr(entry, key)
            # `rotation = "X"` names the rotation X and `group = "X"` the group X; a file
            # that names a group by `rotation` (or a rotation by `group`) means the one of
            # that name, as format 1 read it (`Program.resolve`).
            if key in ("rotation", "group") and not self.program.is_target(name):
                self.error(f"{path}.{key}", f"unknown rotation or group '{name}'")
            elif key == "service" and name not in self.program.service_by_code:
                self.error(f"{path}.service", f"unknown service '{name}'")

    def soft_weight(self, path: str, entry: Any) -> None:
        if not entry.hard and entry.weight is None:
            self.error(f"{path}.weight",
                       "a soft entry (hard = false) needs a weight: what breaking it costs")

    def bounds(self, path: str, low: int | None, high: int | None) -> None:
        if low is not None and high is not None and high < low:
            self.error(f"{path}.max", f"max {high} is below min {low}")

    def blocks(self, path: str, blocks: list[int] | None) -> None:
        if self.calendar is None:
            return
        for j, block in enumerate(blocks or []):
            if not 1 <= block <= self.calendar.num_blocks:
                self.error(f"{path}.blocks[{j}]",
                           f"block {block} is outside the year (1-{self.calendar.num_blocks})")

    def check_requirement(self, path: str, requirement: Requirement) -> None:
        self.target(path, requirement, service=True)
        if requirement.service is not None and requirement.scope != "year":
            self.error(f"{path}.scope", "a requirement on a service counts weeks of this year: "
                                        "scope must be \"year\"")
        self.filters(path, requirement)
        self.soft_weight(path, requirement)
        if requirement.exactly is not None:
            if requirement.min is not None or requirement.max is not None:
                self.error(f"{path}.exactly", "exactly cannot be combined with min or max")
        elif requirement.min is None and requirement.max is None:
            self.error(path, "give exactly, or min and/or max")
        self.bounds(path, requirement.min, requirement.max)

    def check_rule(self, path: str, rule: Any) -> None:
        self.target(path, rule, service=isinstance(rule, MaxConsecutiveRule | MinConsecutiveRule))
        self.filters(path, rule)
        self.soft_weight(path, rule)
        if isinstance(rule, CoverageRule):
            if rule.min is None and rule.max is None:
                self.error(path, "a coverage rule needs min and/or max")
            self.bounds(path, rule.min, rule.max)
            self.blocks(path, rule.blocks)
        if isinstance(rule, PrerequisiteRule) and not self.program.is_target(rule.requires):
            self.error(f"{path}.requires", f"unknown rotation or group '{rule.requires}'")

    def dates(self, path: str, days: list[Any] | None) -> None:
        if self.calendar is None:
            return
        first, last = self.calendar.year_start, self.calendar.year_end
        for j, day in enumerate(days or []):
            if not self.calendar.in_year(day):
                self.error(f"{path}[{j}]", f"{day} is outside the year ({first} to {last})")

    def check_request(self, path: str, request: Any) -> None:
        if request.resident not in self.program.resident_by_id:
            self.error(f"{path}.resident", f"unknown resident '{request.resident}'")
        if isinstance(request, VacationRequest):
            self.dates(f"{path}.weeks", request.weeks)
            return
        self.target(path, request, service=True)
        if request.service is not None:
            if request.blocks is not None:
                self.error(f"{path}.blocks", "a request about a service names weeks (dates), "
                                             "not blocks")
            if request.weeks is None:
                self.error(f"{path}.weeks", "a request about a service needs weeks (dates)")
            self.dates(f"{path}.weeks", request.weeks)
            return
        if request.weeks is not None:
            self.error(f"{path}.weeks", "weeks (dates) are for requests about a service; "
                                        "a rotation or group takes blocks")
        if request.kind == "assign" and request.blocks is None:
            self.error(f"{path}.blocks", "missing required key 'blocks'")
        self.blocks(path, request.blocks)

    # -- format 2 ------------------------------------------------------------------------

    def run_f2(self, blackouts: Indexed, away_limits: Indexed, services: Indexed) -> None:
        for i, blackout in blackouts:
            self.check_blackout(f"blackout[{i}]", blackout)
        self.overlapping_blackouts(blackouts)
        for i, limit in away_limits:
            path = f"away_limit[{i}]"
            self.target(path, limit, required=False)
            self.filters(path, limit)
            self.soft_weight(path, limit)
        rotation_codes = set(self.program.rotation_by_code)
        first: dict[str, int] = {}
        for i, service in services:
            path = f"service[{i}]"
            if service.code in rotation_codes:
                self.error(f"{path}.code", f"'{service.code}' is already a rotation code")
            elif service.code in self.program.groups:
                self.error(f"{path}.code", f"'{service.code}' is already a group name")
            elif service.code in first:
                self.error(f"{path}.code", f"duplicate service code '{service.code}' "
                                           f"(also service[{first[service.code]}])")
            first.setdefault(service.code, i)
            self.filters(path, service)
            self.bounds(path, service.min, service.max)
            for j, name in enumerate(service.not_from):
                if not self.program.is_target(name):
                    self.error(f"{path}.not_from[{j}]", f"unknown rotation or group '{name}'")
            if self.calendar is not None:
                last = self.calendar.num_weeks
                for j, week in enumerate(service.weeks or []):
                    if not 1 <= week <= last:
                        self.error(f"{path}.weeks[{j}]",
                                   f"week {week} is outside the year (1-{last})")

    def check_blackout(self, path: str, blackout: Blackout) -> None:
        self.filters(path, blackout)
        self.soft_weight(path, blackout)
        if blackout.last < blackout.first:
            self.error(f"{path}.to", f"{blackout.last} is before {blackout.first}")
        if self.calendar is not None:
            first, last = self.calendar.year_start, self.calendar.year_end
            for key, day in (("from", blackout.first), ("to", blackout.last)):
                if not self.calendar.in_year(day):
                    self.error(f"{path}.{key}", f"{day} is outside the year ({first} to {last})")

    def overlapping_blackouts(self, blackouts: Indexed) -> None:
        """Two blackouts may not cover the same day for the same residents: one of them
        would be redundant or contradict the other's weight."""
        if self.info is None:
            return
        kinds = [(level, track) for level in self.info.levels for track in self.info.tracks]
        for n, (i, one) in enumerate(blackouts):
            for j, other in blackouts[:n]:
                if one.first > other.last or other.first > one.last:
                    continue
                both = [(lv, tr) for lv, tr in kinds if admits(one.levels, one.tracks, lv, tr)
                        and admits(other.levels, other.tracks, lv, tr)]
                if both:
                    self.error(f"blackout[{i}].from",
                               f"overlaps blackout[{j}] ({other.first} to {other.last}) for "
                               f"{self._residents_of(both)}, whom both bind")
                    break

    def _residents_of(self, kinds: list[tuple[str, str]]) -> str:
        """'R3 residents', 'R4 IR residents', 'all residents': the residents of these
        (level, track) pairs, in the program's words."""
        assert self.info is not None
        levels = [lv for lv in self.info.levels if any(k[0] == lv for k in kinds)]
        tracks = [tr for tr in self.info.tracks if any(k[1] == tr for k in kinds)]
        if len(kinds) < len(levels) * len(tracks):   # not every pair: name each
            return ", ".join(f"{lv} {tr}" for lv, tr in kinds) + " residents"
        words = [*(["/".join(levels)] if len(levels) < len(self.info.levels) else []),
                 *(["/".join(tracks)] if len(tracks) < len(self.info.tracks) else [])]
        return " ".join([*words, "residents"]) if words else "all residents"
