"""A validated program: its entries plus the look-ups every rule needs.

`Program` is what the solver, the checker and the web app work from. Build one with
`scheduler.load_program`, which validates the file first; the constructor trusts its input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .calendar import Block, Calendar
from .call_rules import DEFAULT_WORK_HOURS, CallPool, CallRequest, CallSettings, WorkHours
from .schema import (
    AnyRequest,
    AwayLimit,
    Blackout,
    GroupName,
    ProgramInfo,
    Requirement,
    Resident,
    Rotation,
    Rule,
    Service,
    VacationRequest,
)


def admits(levels: list[str] | None, tracks: list[str] | None, level: str, track: str
           ) -> bool:
    """Eligibility, the one definition: an entry's `levels` and `tracks` filters (None: any)
    admit a resident of this level and track. Rotations, requirements, rules, and the case
    log's projections all ask it."""
    return (levels is None or level in levels) and (tracks is None or track in tracks)

@dataclass(frozen=True)
class Program:
    """One program's year: calendar, rotations, residents, requirements, rules, requests."""

    info: ProgramInfo
    rotations: list[Rotation] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    requests: list[AnyRequest] = field(default_factory=list)
    blackouts: list[Blackout] = field(default_factory=list)
    away_limits: list[AwayLimit] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    call: CallSettings = field(default_factory=CallSettings)
    work_hours: list[WorkHours] = field(default_factory=list)
    call_pools: list[CallPool] = field(default_factory=list)
    call_requests: list[CallRequest] = field(default_factory=list)

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar(self.info.year_start, self.info.calendar,
                        frozenset(self.info.holidays))

    def listed(self, section: str) -> Sequence[object] | None:
        """The entries of a file section that lists them (`rotation`: the rotations, as a
        source's `rotation[3]` counts them); None for a table (`program`) or no section."""
        lists: dict[str, Sequence[object]] = {
            "rotation": self.rotations, "resident": self.residents,
            "requirement": self.requirements, "rule": self.rules, "request": self.requests,
            "blackout": self.blackouts, "away_limit": self.away_limits,
            "service": self.services, "work_hours": self.work_hours,
            "call_pool": self.call_pools, "call_request": self.call_requests}
        return lists.get(section)

    @cached_property
    def service_by_code(self) -> dict[str, Service]:
        return {s.code: s for s in self.services}

    def is_service(self, target: str) -> bool:
        return not isinstance(target, GroupName) and target in self.service_by_code

    @cached_property
    def blocks(self) -> list[Block]:
        return self.calendar.blocks

    @property
    def num_blocks(self) -> int:
        return self.calendar.num_blocks

    @cached_property
    def rotation_by_code(self) -> dict[str, Rotation]:
        return {r.code: r for r in self.rotations}

    @cached_property
    def split_codes(self) -> frozenset[str]:
        """The rotations that may fill half a block: those marked `split`, when the program
        splits blocks (none otherwise)."""
        if not self.info.split_blocks:
            return frozenset()
        return frozenset(r.code for r in self.rotations if r.split)

    def work_hours_of(self, code: str) -> WorkHours:
        """When residents on rotation (or service) `code` work: its `[[work_hours]]` entry,
        else Monday to Friday 07:00-17:00 (not on holidays)."""
        for entry in self.work_hours:
            if code in (entry.rotation, entry.service):
                return entry
        return _DEFAULT_WORK

    @property
    def has_call(self) -> bool:
        return bool(self.call_pools)

    @cached_property
    def resident_by_id(self) -> dict[str, Resident]:
        return {r.id: r for r in self.residents}

    @cached_property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Group name -> codes of its rotations, in file order."""
        members: dict[str, list[str]] = {}
        for rotation in self.rotations:
            for group in rotation.groups:
                members.setdefault(group, []).append(rotation.code)
        return {name: tuple(codes) for name, codes in members.items()}

    def resolve(self, target: str) -> tuple[str, ...]:
        """Rotation codes named by `target`: a rotation code or a group name (a bare name is
        the rotation when one has that code; `GroupName` is always the group). A service
        code resolves to no rotation."""
        name = str.__str__(target)
        if isinstance(target, GroupName) and name in self.groups:
            return self.groups[name]
        if name in self.rotation_by_code:
            return (name,)
        return self.groups.get(name, ())

    def is_target(self, target: str) -> bool:
        """Whether `target` names a rotation or a group."""
        name = str.__str__(target)
        return name in self.rotation_by_code or name in self.groups

    @staticmethod
    def binds(entry: object, resident: Resident) -> bool:
        """Whether an entry's `levels`/`tracks` filters match the resident."""
        return admits(getattr(entry, "levels", None), getattr(entry, "tracks", None),
                      resident.level, resident.track)

    def eligible(self, resident: Resident, rotation: Rotation) -> bool:
        """Whether the rotation's `levels` and `tracks` admit the resident."""
        return self.binds(rotation, resident)

    def max_vacation_weeks_per_block_of(self, resident: Resident) -> int:
        """The resident's cap of vacation weeks per block (own override or the program's);
        the cap holds on vacation working days: at most 5 x this many in a block."""
        if resident.max_vacation_weeks_per_block is not None:
            return resident.max_vacation_weeks_per_block
        return self.info.max_vacation_weeks_per_block

    def final_level_of(self, track: str) -> str:
        """The last level of a track's training (`final_level`, else the last level)."""
        return self.info.final_level.get(track, self.info.levels[-1])

    def vacation_weeks_of(self, resident: Resident) -> int:
        """Vacation weeks the resident must be given this year."""
        if resident.vacation_weeks is not None:
            return resident.vacation_weeks
        return self.info.vacation_weeks

    def history_count(self, resident: Resident, target: str) -> int:
        """Blocks done in earlier years on `target`, keyed by its name or a member's code."""
        keys = {str.__str__(target), *self.resolve(target)}
        return sum(n for key, n in resident.history.items() if key in keys)

    def request_weeks(self, request: AnyRequest) -> list[int]:
        """Week numbers named by a request's dates (a vacation request, or a request about a
        service), in order, without repeats."""
        days = getattr(request, "weeks", None) or []
        weeks = (self.calendar.week_named_by(day) for day in days)
        return sorted({w for w in weeks if w is not None})

    def service_weeks(self, service: Service) -> list[int]:
        """The weeks a service runs (default every week of the year)."""
        if service.weeks is None:
            return list(range(1, self.calendar.num_weeks + 1))
        return sorted({w for w in service.weeks if 1 <= w <= self.calendar.num_weeks})

    def requested_vacation(self, resident: Resident) -> set[int]:
        """Weeks any vacation request of the resident names (the others are unrequested)."""
        return {w for request in self.requests
                if isinstance(request, VacationRequest) and request.resident == resident.id
                for w in self.request_weeks(request)}

    def request_blocks(self, request: AnyRequest) -> list[int]:
        """Blocks named by an assign or avoid request (avoid defaults to every block)."""
        blocks = getattr(request, "blocks", None)
        if blocks is None:
            return list(range(1, self.num_blocks + 1))
        return sorted(set(blocks))

    def rule_blocks(self, rule: Rule) -> list[int]:
        """Blocks a coverage rule applies to (default every block)."""
        blocks = getattr(rule, "blocks", None)
        if not isinstance(blocks, list):
            return list(range(1, self.num_blocks + 1))
        return sorted(set(blocks))

    def bound_residents(self, entry: object) -> list[Resident]:
        """Residents whose level and track the entry's filters match."""
        return [r for r in self.residents if self.binds(entry, r)]


_DEFAULT_WORK = WorkHours(hours=DEFAULT_WORK_HOURS)


def requirement_bounds(requirement: Requirement) -> tuple[int, int | None]:
    """A requirement's (min, max) blocks, from `exactly` or `min`/`max`."""
    if requirement.exactly is not None:
        return requirement.exactly, requirement.exactly
    return requirement.min or 0, requirement.max
