"""The program file's shape, as pydantic models (format 1 of the program-file contract).

These models check each entry on its own: key names, types, ranges. Checks that need the whole
file (unknown codes, duplicate ids, blocks outside the year) live in `validation.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from .calendar import CalendarKind
from .identifiers import normalise


def _normal(value: object) -> object:
    """Text as every name is kept (`identifiers.normalise`); other types pass on to the type
    check, which reports them."""
    return normalise(value) if isinstance(value, str) else value


# Every text a person types is normalised where it enters (NFKC, whitespace trimmed and
# collapsed; control and invisible characters refused), so that names which look the same
# are the same and references find what they name.
Text = Annotated[str, BeforeValidator(_normal)]
Name = Annotated[str, BeforeValidator(_normal), StringConstraints(min_length=1)]
Code = Annotated[str, BeforeValidator(_normal), StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
# Upper bounds keep every number far inside the solver's 64-bit arithmetic.
Count = Annotated[int, Field(ge=0, le=100_000)]
Weight = Annotated[int, Field(ge=0, le=1_000_000)]
RunLength = Annotated[int, Field(ge=1, le=1_000)]


def _year_start_in_range(day: date) -> date:
    """A year start whose academic year ends before the calendar runs out (year 9999)."""
    if not 1900 <= day.year <= 9998:
        raise ValueError("the year must be between 1900 and 9998")
    return day


YearStart = Annotated[date, AfterValidator(_year_start_in_range)]


def _target(rotation: str | None, group: str | None) -> str:
    """The rotation or group an entry names; validation makes sure it names exactly one."""
    named = rotation if rotation is not None else group
    if named is None:
        raise ValueError("the entry names no rotation or group")
    return named


class Entry(BaseModel):
    """Common settings: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ProgramInfo(Entry):
    name: Name
    year_start: YearStart
    calendar: CalendarKind = "months"
    levels: Annotated[list[Name], Field(min_length=1)]
    tracks: Annotated[list[Name], Field(min_length=1)]
    vacation_weeks: Count = 0
    max_vacation_weeks_per_block: Count = 1
    change_weight: Weight = 1


class Rotation(Entry):
    code: Code
    name: Text = ""
    groups: list[Code] = []
    site: Text = ""
    min: Count = 0
    max: Count | None = None
    min_present: Count = 0
    levels: list[Name] | None = None
    tracks: list[Name] | None = None
    vacation: bool = True


class Resident(Entry):
    id: Name
    name: Text = ""
    level: Name
    track: Name
    vacation_weeks: Count | None = None
    history: dict[Name, Count] = {}


class Targeted(Entry):
    """An entry aimed at a rotation or a group, binding the residents its filters match."""

    label: ClassVar[str] = ""   # a rule kind's name in the set-up form

    rotation: Name | None = None
    group: Name | None = None
    levels: list[Name] | None = None
    tracks: list[Name] | None = None
    hard: bool = True
    weight: Weight | None = None
    name: Text | None = None

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group)


class Requirement(Targeted):
    exactly: Count | None = None
    min: Count | None = None
    max: Count | None = None
    scope: Literal["year", "residency"] = "year"


class CoverageRule(Targeted):
    label: ClassVar[str] = "Coverage: residents on it per block"
    kind: Literal["coverage"]
    min: Count | None = None
    max: Count | None = None
    blocks: list[int] | None = None


class RunRule(Targeted):
    """A rule about runs of consecutive blocks: `blocks` is the run length N."""

    blocks: RunLength


class MaxConsecutiveRule(RunRule):
    label: ClassVar[str] = "At most N blocks in a row"
    kind: Literal["max_consecutive"]


class MinConsecutiveRule(RunRule):
    label: ClassVar[str] = "At least N blocks in a row"
    kind: Literal["min_consecutive"]


class PrerequisiteRule(Targeted):
    label: ClassVar[str] = "Only after another rotation"
    kind: Literal["prerequisite"]
    requires: Name


Rule = CoverageRule | MaxConsecutiveRule | MinConsecutiveRule | PrerequisiteRule
# Every rule kind, once: the program file, the set-up form's choices, the database's check
# constraint, the checker and the explanations all take their kinds from here.
RULE_KINDS: dict[str, type[Targeted]] = {
    "coverage": CoverageRule,
    "max_consecutive": MaxConsecutiveRule,
    "min_consecutive": MinConsecutiveRule,
    "prerequisite": PrerequisiteRule,
}
# Kinds whose `blocks` is a run length (N blocks in a row) rather than a list of blocks.
RUN_KINDS = tuple(kind for kind, model in RULE_KINDS.items() if issubclass(model, RunRule))


class Request(Entry):
    resident: Name
    hard: bool = False
    weight: Weight = 1


class VacationRequest(Request):
    kind: Literal["vacation"]
    weeks: Annotated[list[date], Field(min_length=1)]


class AssignRequest(Request):
    kind: Literal["assign"]
    rotation: Name | None = None
    group: Name | None = None
    blocks: Annotated[list[int], Field(min_length=1)]

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group)


class AvoidRequest(Request):
    kind: Literal["avoid"]
    rotation: Name | None = None
    group: Name | None = None
    blocks: list[int] | None = None

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group)


AnyRequest = VacationRequest | AssignRequest | AvoidRequest
REQUEST_KINDS: dict[str, type[Request]] = {
    "vacation": VacationRequest,
    "assign": AssignRequest,
    "avoid": AvoidRequest,
}

TOP_LEVEL_KEYS = ("format", "program", "rotation", "resident", "requirement", "rule", "request")
