"""The program file's shape, as pydantic models (format 2 of the program-file contract).

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
# Lists inside an entry, at most this long: far beyond any program (levels R1-R5 and a few
# more, a year's days), and short enough that no file can make validation slow (100,000
# levels once took two minutes to accept).
Names = Annotated[list[Name], Field(max_length=30)]          # levels, tracks, filters
Days = Annotated[list[date], Field(max_length=366)]
Blocks = Annotated[list[int], Field(max_length=100)]


def _year_start_in_range(day: date) -> date:
    """A year start whose academic year ends before the calendar runs out (year 9999)."""
    if not 1900 <= day.year <= 9998:
        raise ValueError("the year must be between 1900 and 9998")
    return day


YearStart = Annotated[date, AfterValidator(_year_start_in_range)]


class GroupName(str):
    """A name an entry gives as `group = "X"`: it names the group X even where a rotation
    has the code X too (a group may share a rotation's name). It prints as the bare name,
    but never equals or hashes like a plain string, so `Program.resolve` tells the two apart;
    a bare name (`requires`, `not_from`) is a rotation when one has that code."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GroupName) and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("group", str.__str__(self)))


def _target(rotation: str | None, group: str | None, service: str | None = None) -> str:
    """The rotation, group or service an entry names; validation makes sure it names exactly
    one."""
    if rotation is not None:
        return rotation
    if group is not None:
        return GroupName(group)
    if service is not None:
        return service
    raise ValueError("the entry names no rotation, group or service")


class Entry(BaseModel):
    """Common settings: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ProgramInfo(Entry):
    name: Name
    year_start: YearStart
    calendar: CalendarKind = "months"
    levels: Annotated[Names, Field(min_length=1)]
    tracks: Annotated[Names, Field(min_length=1)]
    vacation_weeks: Count = 0
    max_vacation_weeks_per_block: Count = 1
    change_weight: Weight = 1
    # track -> its last level (default: the last level)
    final_level: Annotated[dict[Name, Name], Field(max_length=30)] = {}
    holidays: Days = []                    # not working days
    split_blocks: bool = False             # may a block be shared by two split rotations


class Rotation(Entry):
    code: Code
    name: Text = ""
    groups: Annotated[list[Code], Field(max_length=50)] = []
    site: Text = ""
    min: Count = 0
    max: Count | None = None
    min_present: Count = 0
    levels: Names | None = None
    tracks: Names | None = None
    vacation: bool = True
    split: bool = False


class Resident(Entry):
    id: Name
    name: Text = ""
    level: Name
    track: Name
    vacation_weeks: Count | None = None
    max_vacation_weeks_per_block: Count | None = None
    history: Annotated[dict[Name, Count], Field(max_length=500)] = {}

    @property
    def called(self) -> str:
        """What people call the resident: their name, else their id."""
        return self.name or self.id


class Targeted(Entry):
    """An entry aimed at a rotation or a group, binding the residents its filters match."""

    label: ClassVar[str] = ""   # a rule kind's name in the set-up form

    rotation: Name | None = None
    group: Name | None = None
    service: Name | None = None
    levels: Names | None = None
    tracks: Names | None = None
    hard: bool = True
    weight: Weight | None = None
    name: Text | None = None

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group, self.service)


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
    blocks: Blocks | None = None


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
    weeks: Annotated[list[date], Field(min_length=1, max_length=366)]


class AssignRequest(Request):
    kind: Literal["assign"]
    rotation: Name | None = None
    group: Name | None = None
    service: Name | None = None
    blocks: Annotated[list[int], Field(min_length=1, max_length=100)] | None = None
    # with a service
    weeks: Annotated[list[date], Field(min_length=1, max_length=366)] | None = None

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group, self.service)


class AvoidRequest(Request):
    kind: Literal["avoid"]
    rotation: Name | None = None
    group: Name | None = None
    service: Name | None = None
    blocks: Blocks | None = None
    # with a service
    weeks: Annotated[list[date], Field(min_length=1, max_length=366)] | None = None

    @property
    def target(self) -> str:
        return _target(self.rotation, self.group, self.service)


AnyRequest = VacationRequest | AssignRequest | AvoidRequest
REQUEST_KINDS: dict[str, type[Request]] = {
    "vacation": VacationRequest,
    "assign": AssignRequest,
    "avoid": AvoidRequest,
}

class Blackout(Entry):
    """A period in which the residents it binds take no vacation day."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    name: Text | None = None
    levels: Names | None = None
    tracks: Names | None = None
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    hard: bool = True
    weight: Weight | None = None


class AwayLimit(Entry):
    """At most `max` of the residents it binds on vacation on any one working day (counting
    only those whose rotation that day is on the target, when one is named)."""

    name: Text | None = None
    max: Count
    rotation: Name | None = None
    group: Name | None = None
    levels: Names | None = None
    tracks: Names | None = None
    hard: bool = True
    weight: Weight | None = None

    @property
    def target(self) -> str | None:
        if self.rotation is None and self.group is None:
            return None
        return _target(self.rotation, self.group)


class Service(Entry):
    """A weekly service (night float, backup call): residents leave their block rotation for
    whole weeks to serve on it."""

    code: Code
    name: Text = ""
    min: Count = 0
    max: Count | None = None
    levels: Names | None = None
    tracks: Names | None = None
    not_from: Annotated[list[Name], Field(max_length=250)] = []
    weeks: Annotated[list[int], Field(max_length=100)] | None = None


FORMATS = (1, 2)   # program-file formats this version reads (format 1 with format 2's meaning)
TOP_LEVEL_KEYS = ("format", "program", "rotation", "resident", "requirement", "rule", "request",
                  "blackout", "away_limit", "service",
                  # call rules (optional; `call_rules.py`)
                  "call", "work_hours", "call_pool", "call_request")
