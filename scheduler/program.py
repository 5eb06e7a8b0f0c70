"""A validated program: its entries plus the look-ups every rule needs.

`Program` is what the solver, the checker and the web app work from. Build one with
`scheduler.load_program`, which validates the file first; the constructor trusts its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .calendar import Block, Calendar
from .schema import (
    AnyRequest,
    ProgramInfo,
    Requirement,
    Resident,
    Rotation,
    Rule,
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

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar(self.info.year_start, self.info.calendar)

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
        """Rotation codes named by `target`: a rotation code or a group name."""
        if target in self.rotation_by_code:
            return (target,)
        return self.groups.get(target, ())

    def is_target(self, target: str) -> bool:
        return target in self.rotation_by_code or target in self.groups

    @staticmethod
    def binds(entry: object, resident: Resident) -> bool:
        """Whether an entry's `levels`/`tracks` filters match the resident."""
        return admits(getattr(entry, "levels", None), getattr(entry, "tracks", None),
                      resident.level, resident.track)

    def eligible(self, resident: Resident, rotation: Rotation) -> bool:
        """Whether the rotation's `levels` and `tracks` admit the resident."""
        return self.binds(rotation, resident)

    def vacation_weeks_of(self, resident: Resident) -> int:
        """Vacation weeks the resident must be given this year."""
        if resident.vacation_weeks is not None:
            return resident.vacation_weeks
        return self.info.vacation_weeks

    def history_count(self, resident: Resident, target: str) -> int:
        """Blocks done in earlier years on `target`, keyed by its name or a member's code."""
        keys = {target, *self.resolve(target)}
        return sum(n for key, n in resident.history.items() if key in keys)

    def request_weeks(self, request: VacationRequest) -> list[int]:
        """Week numbers named by a vacation request, in order, without repeats."""
        weeks = (self.calendar.week_of(day) for day in request.weeks)
        return sorted({w for w in weeks if w is not None})

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


def requirement_bounds(requirement: Requirement) -> tuple[int, int | None]:
    """A requirement's (min, max) blocks, from `exactly` or `min`/`max`."""
    if requirement.exactly is not None:
        return requirement.exactly, requirement.exactly
    return requirement.min or 0, requirement.max
