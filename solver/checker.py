"""The independent schedule checker.

It shares nothing with the CP-SAT model: it reads a schedule (solver-made or hand-edited) as
plain data, tests every hard constraint of the program file, recomputes the penalty of every
soft one, and says each broken rule in words. The solver's tests rely on it, and the web app
uses it to answer a chief's manual edit at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scheduler import Program, Schedule
from scheduler.calendar import WEEKS_PER_YEAR
from scheduler.program import requirement_bounds
from scheduler.schema import (
    AssignRequest,
    CoverageRule,
    MaxConsecutiveRule,
    MinConsecutiveRule,
    PrerequisiteRule,
    Resident,
    VacationRequest,
)
from scheduler.sources import source_path

from . import describe


@dataclass(frozen=True)
class Finding:
    """A broken rule: which entry, what happened, and (for soft ones) its cost."""

    source: str
    message: str
    cost: int = 0

    def as_dict(self) -> dict[str, str | int]:
        found: dict[str, str | int] = {"source": self.source, "message": self.message}
        if self.cost:
            found["cost"] = self.cost
        return found


@dataclass
class CheckReport:
    """What the checker found: file errors, broken hard rules, and the soft penalties."""

    errors: list[Finding] = field(default_factory=list)
    violations: list[Finding] = field(default_factory=list)
    penalties: list[Finding] = field(default_factory=list)
    unmet_requests: list[int] = field(default_factory=list)

    @property
    def total_penalty(self) -> int:
        return sum(f.cost for f in self.penalties)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.violations


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first index, length) of each run of consecutive True values."""
    found, start = [], None
    for i, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            found.append((start, i - start))
            start = None
    return found


# The check of each rule kind (scheduler.schema.RULE_KINDS), by method name;
# tests/test_architecture/test_closed_sets.py keeps the two lists equal.
RULE_CHECKS = {"coverage": "coverage_rule", "max_consecutive": "max_consecutive",
               "min_consecutive": "min_consecutive", "prerequisite": "prerequisite"}


def block_counts(rows: Iterable[list[str]], blocks: int) -> list[Counter[str]]:
    """How many residents each rotation has in each block (index 0 is block 1): the count
    capacities and coverage are checked on, and the grid's coverage rows show."""
    counts: list[Counter[str]] = [Counter() for _ in range(blocks)]
    for row in rows:
        for b, code in enumerate(row[:blocks]):
            counts[b][code] += 1
    return counts


def check(program: Program, schedule: Schedule, previous: Schedule | None = None,
          freeze_through: int = 0) -> CheckReport:
    """Check a schedule against every rule of the program; see the module docstring."""
    report = CheckReport()
    _check_shape(program, schedule, report)
    if report.errors:
        return report
    _Checker(program, schedule, report).run(previous, freeze_through)
    return report


def _check_shape(program: Program, schedule: Schedule, report: CheckReport) -> None:
    for rid in schedule.residents:
        if rid not in program.resident_by_id:
            report.errors.append(Finding(f"residents.{rid}", f"unknown resident '{rid}'"))
    for resident in program.residents:
        assignment = schedule.residents.get(resident.id)
        path = f"residents.{resident.id}"
        if assignment is None:
            report.errors.append(Finding(path, f"{resident.id} has no schedule"))
            continue
        if len(assignment.rotations) != program.num_blocks:
            report.errors.append(Finding(f"{path}.rotations",
                                         f"{len(assignment.rotations)} rotations for "
                                         f"{program.num_blocks} blocks"))
        for b, code in enumerate(assignment.rotations):
            if code not in program.rotation_by_code:
                report.errors.append(Finding(f"{path}.rotations[{b}]",
                                             f"unknown rotation '{code}'"))
        for w in assignment.vacation_weeks:
            if not 1 <= w <= WEEKS_PER_YEAR:
                report.errors.append(Finding(f"{path}.vacation_weeks", f"no week {w}"))


class _Checker:
    def __init__(self, program: Program, schedule: Schedule, report: CheckReport):
        self.p = program
        self.report = report
        self.rows = {rid: a.rotations for rid, a in schedule.residents.items()}
        self.away = {rid: set(a.vacation_weeks) for rid, a in schedule.residents.items()}
        self.block_of_week = {w: program.calendar.block_of_week(w)
                              for w in range(1, WEEKS_PER_YEAR + 1)}

    def broken(self, source: str, message: str, hard: bool = True, cost: int = 0) -> None:
        if hard:
            self.report.violations.append(Finding(source, message))
        elif cost:
            self.report.penalties.append(Finding(source, message, cost))

    def on(self, rid: str, target: str) -> list[bool]:
        codes = set(self.p.resolve(target))
        return [code in codes for code in self.rows[rid]]

    def name(self, rid: str) -> str:
        return describe.resident(self.p, rid)

    def run(self, previous: Schedule | None, freeze_through: int) -> None:
        self.rotations()
        self.vacation()
        self.requirements()
        self.rules()
        self.requests()
        if previous is not None:
            self.continuity(previous, freeze_through)

    def rotations(self) -> None:
        p = self.p
        n = p.num_blocks
        # One pass over the schedule: who is on what in each block, and present each week.
        on_code: dict[str, dict[str, list[int]]] = {}   # code -> resident -> blocks
        counts = block_counts(self.rows.values(), n)
        for rid, row in self.rows.items():
            for b, code in enumerate(row[:n]):
                on_code.setdefault(code, {}).setdefault(rid, []).append(b + 1)
        present: dict[int, Counter[str]] = {}
        if any(r.min_present for r in p.rotations):
            for rid, row in self.rows.items():
                away = self.away[rid]
                for w, b in self.block_of_week.items():
                    if w not in away and b <= len(row):
                        present.setdefault(w, Counter())[row[b - 1]] += 1
        for i, rotation in enumerate(p.rotations):
            on = on_code.get(rotation.code, {})
            for resident in p.residents:
                blocks = on.get(resident.id)
                if not blocks:
                    continue
                for key, value in (("levels", resident.level), ("tracks", resident.track)):
                    allowed = getattr(rotation, key)
                    if allowed is not None and value not in allowed:
                        self.broken(source_path("rotation", i, key),
                                    f"{self.name(resident.id)} ({value}) is on {rotation.code} in "
                                    f"{describe.blocks_phrase(p, blocks)}, open only to "
                                    f"{'/'.join(allowed)}")
            for b in range(n):
                count = counts[b][rotation.code]
                if count < rotation.min:
                    self.broken(source_path("rotation", i, "min"),
                                f"{rotation.code} has {count} in block "
                                f"{b + 1}, needs at least {rotation.min}")
                if rotation.max is not None and count > rotation.max:
                    self.broken(source_path("rotation", i, "max"),
                                f"{rotation.code} has {count} in block "
                                f"{b + 1}, takes at most {rotation.max}")
            if rotation.min_present:
                for w in self.block_of_week:
                    here = present[w][rotation.code] if w in present else 0
                    if here < rotation.min_present:
                        self.broken(source_path("rotation", i, "min_present"),
                                    f"{rotation.code} has {here} present in week {w}, "
                                    f"needs {rotation.min_present}")

    def vacation(self) -> None:
        p = self.p
        cap = p.info.max_vacation_weeks_per_block
        no_vacation = {r.code: i for i, r in enumerate(p.rotations) if not r.vacation}
        for r, resident in enumerate(p.residents):
            weeks = self.away[resident.id]
            wanted = p.vacation_weeks_of(resident)
            if len(weeks) != wanted:
                source = ("program.vacation_weeks" if resident.vacation_weeks is None
                          else source_path("resident", r, "vacation_weeks"))
                self.broken(source, f"{self.name(resident.id)} has {len(weeks)} vacation weeks, "
                            f"must have {wanted}")
            per_block: dict[int, list[int]] = {}
            for w in sorted(weeks):
                per_block.setdefault(self.block_of_week[w], []).append(w)
            for b, in_block in per_block.items():
                if len(in_block) > cap:
                    self.broken("program.max_vacation_weeks_per_block",
                                f"{self.name(resident.id)} has {len(in_block)} vacation weeks in "
                                f"block {b}, at most {cap} allowed")
                code = self.rows[resident.id][b - 1]
                if code in no_vacation:
                    self.broken(source_path("rotation", no_vacation[code], "vacation"),
                                f"{self.name(resident.id)} has vacation in week "
                                f"{describe.ranges(in_block)} while on {code}")

    def requirements(self) -> None:
        p = self.p
        for i, requirement in enumerate(p.requirements):
            low, high = requirement_bounds(requirement)
            for resident in p.bound_residents(requirement):
                count = sum(self.on(resident.id, requirement.target))
                where = "this year"
                if requirement.scope == "residency":
                    count += p.history_count(resident, requirement.target)
                    where = "over the residency"
                miss = max(low - count, 0) + (max(count - high, 0) if high is not None else 0)
                if miss:
                    self.broken(source_path("requirement", i),
                                f"{self.name(resident.id)} has {count} blocks of "
                                f"{describe.target(p, requirement.target)} {where}, needs "
                                f"{describe.bounds(low, high, 'block')}",
                                requirement.hard, (requirement.weight or 0) * miss)

    def rules(self) -> None:
        """Each rule checked by its kind's check (RULE_CHECKS)."""
        for i, rule in enumerate(self.p.rules):
            check: Callable[[int, Any, list[Resident]], None] = getattr(
                self, RULE_CHECKS[rule.kind])
            check(i, rule, self.p.bound_residents(rule))

    def coverage_rule(self, i: int, rule: CoverageRule, bound: list[Resident]) -> None:
        for b in self.p.rule_blocks(rule):
            count = sum(self.on(r.id, rule.target)[b - 1] for r in bound)
            miss = max((rule.min or 0) - count, 0)
            if rule.max is not None:
                miss += max(count - rule.max, 0)
            if miss:
                self.broken(source_path("rule", i), f"{count} {describe.who(rule)} on "
                            f"{describe.target(self.p, rule.target)} in block {b}, needs "
                            f"{describe.bounds(rule.min, rule.max, 'resident')}",
                            rule.hard, (rule.weight or 0) * miss)

    def max_consecutive(self, i: int, rule: MaxConsecutiveRule, bound: list[Resident]
                        ) -> None:
        for resident in bound:
            self._max_run(i, rule, resident.id, self.on(resident.id, rule.target))

    def _max_run(self, i: int, rule: MaxConsecutiveRule, rid: str, on: list[bool]) -> None:
        for start, length in runs(on):
            if length > rule.blocks:
                self.broken(source_path("rule", i),
                            f"{self.name(rid)} has {length} blocks in a row on "
                            f"{describe.target(self.p, rule.target)} from block {start + 1}, "
                            f"at most {rule.blocks} allowed",
                            rule.hard, (rule.weight or 0) * (length - rule.blocks))

    def min_consecutive(self, i: int, rule: MinConsecutiveRule, bound: list[Resident]
                        ) -> None:
        for resident in bound:
            self._min_run(i, rule, resident.id, self.on(resident.id, rule.target))

    def _min_run(self, i: int, rule: MinConsecutiveRule, rid: str, on: list[bool]) -> None:
        for start, length in runs(on):
            interior = start > 0 and start + length < len(on)
            if interior and length < rule.blocks:
                self.broken(source_path("rule", i),
                            f"{self.name(rid)} has only {length} block(s) in a row "
                            f"on {describe.target(self.p, rule.target)} from block {start + 1}, "
                            f"needs {rule.blocks}",
                            rule.hard, (rule.weight or 0) * (rule.blocks - length))

    def prerequisite(self, i: int, rule: PrerequisiteRule, bound: list[Resident]) -> None:
        for resident in bound:
            self._after(i, rule, resident)

    def _after(self, i: int, rule: PrerequisiteRule, resident: Resident) -> None:
        if self.p.history_count(resident, rule.requires) > 0:
            return
        on = self.on(resident.id, rule.target)
        done = self.on(resident.id, rule.requires)
        missing = [b + 1 for b, flag in enumerate(on) if flag and not any(done[:b])]
        if missing:
            self.broken(source_path("rule", i), f"{self.name(resident.id)} is on "
                        f"{describe.target(self.p, rule.target)} in "
                        f"{describe.blocks_phrase(self.p, missing)} before any "
                        f"{describe.target(self.p, rule.requires)}",
                        rule.hard, (rule.weight or 0) * len(missing))

    def requests(self) -> None:
        p = self.p
        for i, request in enumerate(p.requests):
            rid = request.resident
            if isinstance(request, VacationRequest):
                granted = all(w in self.away[rid] for w in p.request_weeks(request))
            else:
                on = self.on(rid, request.target)
                wanted = [on[b - 1] for b in p.request_blocks(request)]
                granted = all(wanted) if isinstance(request, AssignRequest) else not any(wanted)
            if not granted:
                if not request.hard:
                    self.report.unmet_requests.append(i)
                where = source_path("request", i)
                self.broken(where, "not granted: " + describe.entry(p, where),
                            request.hard, request.weight)

    def continuity(self, previous: Schedule, freeze_through: int) -> None:
        p = self.p
        for resident in p.residents:
            old = previous.residents.get(resident.id)
            if old is None:
                continue
            row = self.rows[resident.id]
            for b, code in enumerate(row, start=1):
                before = old.rotations[b - 1] if b <= len(old.rotations) else None
                if code == before:
                    continue
                if b <= freeze_through:
                    self.broken(source_path("previous", None, f"residents.{resident.id}"),
                                f"{self.name(resident.id)} changed from {before} to {code} in "
                                f"frozen block {b}")
                else:
                    self.broken(source_path("previous", None, f"residents.{resident.id}"),
                                f"{self.name(resident.id)} moved from {before} to {code} in "
                                f"block {b}", hard=False, cost=p.info.change_weight)
            frozen = {w for w, b in self.block_of_week.items() if b <= freeze_through}
            if (self.away[resident.id] & frozen) != (set(old.vacation_weeks) & frozen):
                self.broken(source_path("previous", None, f"residents.{resident.id}"),
                            f"{self.name(resident.id)}'s vacation weeks changed in the frozen "
                            f"blocks")
