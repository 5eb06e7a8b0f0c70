"""The independent schedule checker.

It shares nothing with the CP-SAT model: it reads a schedule (solver-made or hand-edited) as
plain data, tests every hard constraint of the program file, recomputes the penalty of every
soft one, and says each broken rule in words. The solver's tests rely on it, and the web app
uses it to answer a chief's manual edit at once.

Rules about presence and vacation are checked the way the format states them: on each working
day of the year, walking the calendar day by day (`_Checker.days`), with each day's block and
week looked up from the dates alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scheduler import Program, Schedule
from scheduler.calendar import WORKING_WEEKDAYS
from scheduler.program import requirement_bounds
from scheduler.schedule import (
    SCHEDULED,
    STATUSES,
    Cell,
    block_dicts,
    cell_codes,
    cell_label,
    halves,
    part_name,
    week_dicts,
)
from scheduler.schema import (
    AssignRequest,
    CoverageRule,
    MaxConsecutiveRule,
    MinConsecutiveRule,
    PrerequisiteRule,
    Resident,
    VacationRequest,
)
from scheduler.sources import SECTIONS, Source, source_path
from scheduler.words import plural, ranges

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
    """What the checker found: file errors, broken hard rules, the soft penalties, and what
    the file says of itself that is not so (`claimed`; only when asked)."""

    errors: list[Finding] = field(default_factory=list)
    violations: list[Finding] = field(default_factory=list)
    penalties: list[Finding] = field(default_factory=list)
    unmet_requests: list[int] = field(default_factory=list)
    untrue: list[Finding] = field(default_factory=list)

    @property
    def total_penalty(self) -> int:
        return sum(f.cost for f in self.penalties)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.violations and not self.untrue


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


def half_counts(rows: Iterable[list[Cell]], blocks: int
                ) -> list[tuple[Counter[str], Counter[str]]]:
    """How many residents each rotation has in each half of each block (index 0 is block 1):
    the counts capacities are checked on, and the grid's coverage rows show. Without split
    blocks both halves count alike."""
    counts: list[tuple[Counter[str], Counter[str]]] = [(Counter(), Counter())
                                                        for _ in range(blocks)]
    for row in rows:
        for b, cell in enumerate(row[:blocks]):
            for k, code in enumerate(halves(cell)):
                counts[b][k][code] += 1
    return counts


def _parts(pair: list[int]) -> list[tuple[int | None, int]]:
    """A block's count per half as the findings speak of it: once for the block (None) when
    both halves hold the same, else (0, first half's) and (1, second half's)."""
    return [(None, pair[0])] if pair[0] == pair[1] else list(enumerate(pair))


def check(program: Program, schedule: Schedule, previous: Schedule | None = None,
          freeze_through: int = 0, claims: bool = False) -> CheckReport:
    """Check a schedule against every rule of the program; see the module docstring. With
    `claims`, also what the file says of itself (`claimed`): a schedule file checked as
    handed over, not one being edited."""
    report = CheckReport()
    _check_shape(program, schedule, report)
    if report.errors:
        return report
    _Checker(program, schedule, report).run(previous, freeze_through)
    if claims:
        report.untrue = claimed(program, schedule, report, previous is not None)
    return report


def claimed(program: Program, schedule: Schedule, report: CheckReport,
            previous_given: bool = True) -> list[Finding]:
    """What a schedule file says of itself that is not so: blocks and (format 2) weeks whose
    dates are not the program's (`_dates_untrue`), a status no file has or one that does not
    come with a schedule, OPTIMAL without the objective and bound that show it proven, an
    objective or list of unmet requests other than the rules' penalties add up to
    (`report`), a bound above the objective, or OPTIMAL with a bound below it. A format-1
    file's penalties were counted on its own weeks: only its blocks and status are compared
    (`parse_schedule`). A re-solved file checked without its previous schedule
    (`previous_given` False) counts the change costs its `penalties` list (sources
    `previous...`) as the file says them."""
    found = _dates_untrue(program, schedule) + _status_untrue(schedule)
    if schedule.status in STATUSES and schedule.status not in SCHEDULED:
        found.append(Finding("status", f"{schedule.status} comes without a schedule; a file "
                                       f"with one says {' or '.join(SCHEDULED)}"))
    if schedule.status == "OPTIMAL" and schedule.file_format >= 2:
        for key, value in (("objective", schedule.objective),
                           ("best_bound", schedule.best_bound)):
            if value is None:
                found.append(Finding(key, "not given, though the file says OPTIMAL: a proven "
                                          "optimum gives its total penalty and the bound that "
                                          "proves it"))
    total = report.total_penalty
    if not previous_given:   # the change costs cannot be counted here: take the file's
        total += sum(int(p.get("cost", 0)) for p in schedule.penalties
                     if str(p.get("source", "")).startswith("previous"))
    if schedule.objective is not None and schedule.objective != total:
        found.append(Finding("objective", f"{schedule.objective:g} here; the rules' penalties "
                                          f"add up to {total}"))
    if schedule.objective is not None and \
            sorted(schedule.unmet_requests) != sorted(report.unmet_requests):
        found.append(Finding("unmet_requests", (
            f"{_indices(schedule.unmet_requests)} here; the requests not granted are "
            f"{_indices(report.unmet_requests)}")))
    bound = schedule.best_bound
    if bound is not None and bound > total:
        found.append(Finding("best_bound", f"{bound:g} here, above the schedule's own total "
                                           f"penalty {total}: no bound can be"))
    elif bound is not None and schedule.status == "OPTIMAL" and bound < total:
        found.append(Finding("status", f"OPTIMAL, but its bound {bound:g} is below its total "
                                       f"penalty {total}: not proven"))
    return found


def unscheduled_claims(program: Program, schedule: Schedule) -> list[Finding]:
    """What a file without a schedule (INFEASIBLE, UNKNOWN, INVALID) says of itself that is
    not so: blocks or weeks other than the program's, a status no file has, and a conflict
    naming a section the file has not, or an entry past the end of its list. (Whether the
    conflict is real is the solver's to show: `residency solve` on the program says it.)"""
    found = _dates_untrue(program, schedule) + _status_untrue(schedule)
    for i, conflict in enumerate(schedule.conflicts):
        text = str(conflict.get("source", ""))
        source = Source.parse(text)
        entries = program.listed(source.section) if source is not None else None
        if source is None or source.section not in SECTIONS or (
                entries is not None and (source.index is None
                                         or source.index >= len(entries))):
            found.append(Finding(f"conflicts[{i}]", f"names '{text}', which the program "
                                                    "does not have"))
    return found


def _dates_untrue(program: Program, schedule: Schedule) -> list[Finding]:
    """Blocks and (format 2) weeks whose dates are not the program's (the file gives them
    "so that a schedule can be checked day by day")."""
    found = []
    for key, given, real in (("blocks", schedule.blocks, block_dicts(program)),
                             ("weeks", schedule.weeks, week_dicts(program))):
        if not given:
            continue   # not given (format 1 has no weeks): nothing to compare
        if len(given) != len(real):
            found.append(Finding(key, f"{len(given)} {key} here; the program's year has "
                                      f"{len(real)}"))
        for i, (here, there) in enumerate(zip(given, real, strict=False)):
            if (here.get("index", there["index"]), here["start"], here.get("end") or
                    there["end"]) != (there["index"], there["start"], there["end"]):
                found.append(Finding(f"{key}[{i}]", (
                    f"{key[:-1]} {here.get('index', i + 1)} is {here['start']} to "
                    f"{here.get('end') or '?'} here; the program's {key[:-1]} "
                    f"{there['index']} is {there['start']} to {there['end']}")))
    return found


def _status_untrue(schedule: Schedule) -> list[Finding]:
    if schedule.status in STATUSES:
        return []
    return [Finding("status", f"'{schedule.status}' is no status of a schedule file "
                              f"({', '.join(STATUSES)})")]


def _indices(values: list[int]) -> str:
    """'[3, 7]', or 'none'."""
    return f"[{', '.join(map(str, sorted(values)))}]" if values else "none"


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
        for b, cell in enumerate(assignment.rotations):
            for code in cell_codes(cell):
                rotation = program.rotation_by_code.get(code)
                if rotation is None:
                    report.errors.append(Finding(f"{path}.rotations[{b}]",
                                                 f"unknown rotation '{code}'"))
                elif not isinstance(cell, str) and code not in program.split_codes:
                    report.errors.append(Finding(
                        f"{path}.rotations[{b}]",
                        f"{code} cannot fill half a block (it is not a split rotation"
                        + ("" if program.info.split_blocks else
                           " and the program does not split blocks") + ")"))
        weeks = program.calendar.num_weeks
        for w in assignment.vacation_weeks:
            if not 1 <= w <= weeks:
                report.errors.append(Finding(f"{path}.vacation_weeks",
                                             f"no week {w} (the year has weeks 1-{weeks})"))
        for code, served in assignment.services.items():
            if code not in program.service_by_code:
                report.errors.append(Finding(f"{path}.services.{code}",
                                             f"unknown service '{code}'"))
            for w in served:
                if not 1 <= w <= weeks:
                    report.errors.append(Finding(f"{path}.services.{code}",
                                                 f"no week {w} (the year has weeks 1-{weeks})"))


def _dates(days: list[date]) -> str:
    """'2027-09-01' or '2027-09-01 to 2027-09-03' (first to last of the days)."""
    first, last = min(days), max(days)
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


class _Checker:
    def __init__(self, program: Program, schedule: Schedule, report: CheckReport):
        self.p = program
        self.report = report
        self.rows = {rid: a.rotations for rid, a in schedule.residents.items()}
        # resident -> per block, the rotation of its first half and of its second half
        self.halves = {rid: [halves(c) for c in row] for rid, row in self.rows.items()}
        self.away = {rid: set(a.vacation_weeks) for rid, a in schedule.residents.items()}
        # resident -> week -> the services they are on that week (one at most, if valid)
        self.serving: dict[str, dict[int, list[str]]] = {}
        for rid, assignment in schedule.residents.items():
            weeks: dict[int, list[str]] = defaultdict(list)
            for code, served in assignment.services.items():
                for w in served:
                    weeks[w].append(code)
            self.serving[rid] = dict(weeks)
        self.calendar = program.calendar

    def broken(self, source: str, message: str, hard: bool = True, cost: int = 0) -> None:
        if hard:
            self.report.violations.append(Finding(source, message))
        elif cost:
            self.report.penalties.append(Finding(source, message, cost))

    def on(self, rid: str, target: str) -> list[bool]:
        """Per block (per week, for a service): whether the resident is on the target (in
        either half of a split block)."""
        if self.p.is_service(target):
            weeks = self.serving[rid]
            return [target in weeks.get(w, []) for w in range(1, self.calendar.num_weeks + 1)]
        return [any(pair) for pair in self.on_halves(rid, target)]

    def on_halves(self, rid: str, target: str) -> list[tuple[bool, bool]]:
        """Per block: whether the resident is on the target in its first and second half."""
        codes = set(self.p.resolve(target))
        return [(first in codes, second in codes) for first, second in self.halves[rid]]

    def name(self, rid: str) -> str:
        return describe.resident(self.p, rid)

    def not_open(self, entry: Any, resident: Resident, source: str, where: str) -> None:
        """A rotation's or service's `levels` and `tracks` must admit the resident on it."""
        for key, value in (("levels", resident.level), ("tracks", resident.track)):
            allowed = getattr(entry, key)
            if allowed is not None and value not in allowed:
                self.broken(f"{source}.{key}", f"{self.name(resident.id)} ({value}) is on "
                                               f"{where}, open only to {'/'.join(allowed)}")

    def run(self, previous: Schedule | None, freeze_through: int) -> None:
        self.rotations()
        self.days()
        self.vacation()
        self.services()
        self.requirements()
        self.rules()
        self.requests()
        if previous is not None:
            self.continuity(previous, freeze_through)

    def rotations(self) -> None:
        """Who may take each rotation, and how many it has in each block."""
        p = self.p
        n = p.num_blocks
        on_code: dict[str, dict[str, list[int]]] = {}   # code -> resident -> blocks
        counts = half_counts(self.rows.values(), n)
        for rid, row in self.rows.items():
            for b, cell in enumerate(row[:n]):
                for code in cell_codes(cell):
                    on_code.setdefault(code, {}).setdefault(rid, []).append(b + 1)
        for i, rotation in enumerate(p.rotations):
            on = on_code.get(rotation.code, {})
            for resident in p.residents:
                blocks = on.get(resident.id)
                if not blocks:
                    continue
                self.not_open(rotation, resident, source_path("rotation", i),
                              f"{rotation.code} in {describe.blocks_phrase(p, blocks)}")
            for b in range(n):
                pair = [counts[b][k][rotation.code] for k in (0, 1)]
                for k, count in _parts(pair):
                    self.bounds(source_path("rotation", i), rotation, count, part_name(b + 1, k))

    def bounds(self, source: str, entry: Any, count: int, where: str) -> None:
        """A rotation's or service's `min` and `max`, against its count somewhere."""
        if count < entry.min:
            self.broken(f"{source}.min", f"{entry.code} has {count} in {where}, needs at "
                                         f"least {entry.min}")
        if entry.max is not None and count > entry.max:
            self.broken(f"{source}.max", f"{entry.code} has {count} in {where}, takes at most "
                                         f"{entry.max}")

    def days(self) -> None:
        """Every working day of the year, one by one: each rotation's residents present (not
        on vacation, not on a weekly service), vacation on a rotation without it, residents
        pulled onto a service from a rotation it may not take them from, blackouts, and
        residents away against each away limit."""
        p = self.p
        rotation_index = {r.code: i for i, r in enumerate(p.rotations)}
        short: dict[tuple[str, int], list[tuple[date, int]]] = defaultdict(list)
        closed: dict[tuple[str, int, str], list[date]] = defaultdict(list)
        pulled: dict[tuple[str, int, str], list[date]] = defaultdict(list)
        blacked: dict[tuple[int, str], set[int]] = defaultdict(set)
        away_days: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
        self.vacation_days: dict[tuple[str, int], int] = Counter()
        residents = [(r.id, r) for r in p.residents if r.id in self.rows]
        not_from = {s.code: {c for name in s.not_from for c in p.resolve(name)}
                    for s in p.services}
        limit_codes = [(limit, set(p.resolve(limit.target)) if limit.target else None)
                       for limit in p.away_limits]
        for day in self.calendar.days:
            if not self.calendar.is_working_day(day):
                continue
            b = self.calendar.block_of_day(day)
            w = self.calendar.week_of(day)
            assert b is not None
            present: Counter[str] = Counter()
            away_count = [0] * len(limit_codes)
            half = self.calendar.half_of_day(day)
            for rid, resident in residents:
                code = self.halves[rid][b - 1][half]
                on_vacation = w is not None and w in self.away[rid]
                services = self.serving[rid].get(w, []) if w is not None else []
                if not on_vacation and not services:
                    present[code] += 1
                for service in services:
                    if code in not_from.get(service, ()):
                        pulled[rid, w or 0, service].append(day)
                if not on_vacation:
                    continue
                self.vacation_days[rid, b] += 1
                rotation = p.rotation_by_code.get(code)
                if rotation is not None and not rotation.vacation:
                    closed[rid, w or 0, code].append(day)
                for k, blackout in enumerate(p.blackouts):
                    if blackout.first <= day <= blackout.last and p.binds(blackout, resident):
                        blacked[k, rid].add(w or 0)
                for k, (limit, codes) in enumerate(limit_codes):
                    if p.binds(limit, resident) and (codes is None or code in codes):
                        away_count[k] += 1
            for code, i in rotation_index.items():
                m = p.rotations[i].min_present
                if m and present[code] < m:
                    short[code, b].append((day, present[code]))
            for k, (limit, _) in enumerate(limit_codes):
                if away_count[k] > limit.max and w is not None:
                    away_days[k, w].append((day, away_count[k]))
        for (code, b), counted in short.items():
            i = rotation_index[code]
            fewest = min(n for _, n in counted)
            self.broken(source_path("rotation", i, "min_present"),
                        f"{code} has {fewest} present on {_dates([d for d, _ in counted])} "
                        f"({len(counted)} working day{'s' if len(counted) > 1 else ''} in block "
                        f"{b}), needs {p.rotations[i].min_present}")
        for (rid, w, code), found in closed.items():
            self.broken(source_path("rotation", rotation_index[code], "vacation"),
                        f"{self.name(rid)} has vacation in week {w} ({_dates(found)}) while "
                        f"on {code}")
        service_index = {s.code: i for i, s in enumerate(p.services)}
        for (rid, w, service), found in pulled.items():
            self.broken(source_path("service", service_index[service], "not_from"),
                        f"{self.name(rid)} is on {service} in week {w} but on "
                        f"{self._code_on(rid, found[0])} on {_dates(found)}, which {service} "
                        f"may not take residents from")
        for (k, rid), weeks in blacked.items():
            blackout = p.blackouts[k]
            label = f"'{blackout.name}' " if blackout.name else ""
            self.broken(source_path("blackout", k),
                        f"{self.name(rid)} has vacation in week {ranges(list(weeks))}, "
                        f"inside the blackout {label}({blackout.first} to {blackout.last})",
                        blackout.hard, (blackout.weight or 0) * len(weeks))
        for (k, w), counted in away_days.items():
            limit = p.away_limits[k]
            worst = max(n for _, n in counted)
            where = f" on {describe.target(p, limit.target)}" if limit.target else ""
            whom = describe.who(limit).removeprefix("all ")
            self.broken(source_path("away_limit", k),
                        f"{worst} {whom}{where} on vacation in week {w} "
                        f"({_dates([d for d, _ in counted])}), at most {limit.max}",
                        limit.hard, (limit.weight or 0) * (worst - limit.max))

    def _code_on(self, rid: str, day: date) -> str:
        """The resident's rotation on a day of the year."""
        b = self.calendar.block_of_day(day) or 1
        return self.halves[rid][b - 1][self.calendar.half_of_day(day)]

    def vacation(self) -> None:
        """Each resident's number of vacation weeks, and vacation working days per block."""
        p = self.p
        for r, resident in enumerate(p.residents):
            weeks = self.away[resident.id]
            wanted = p.vacation_weeks_of(resident)
            if len(weeks) != wanted:
                source = ("program.vacation_weeks" if resident.vacation_weeks is None
                          else source_path("resident", r, "vacation_weeks"))
                self.broken(source, f"{self.name(resident.id)} has "
                            f"{plural(len(weeks), 'vacation week')}, must have {wanted}")
            cap = p.max_vacation_weeks_per_block_of(resident)
            source = ("program.max_vacation_weeks_per_block"
                      if resident.max_vacation_weeks_per_block is None
                      else source_path("resident", r, "max_vacation_weeks_per_block"))
            for b in p.calendar.blocks:
                days = self.vacation_days.get((resident.id, b.index), 0)
                if days > WORKING_WEEKDAYS * cap:
                    self.broken(source, f"{self.name(resident.id)} has {days} vacation working "
                                        f"days in block {b.index}, at most "
                                        f"{WORKING_WEEKDAYS * cap} ({cap} weeks) allowed")

    def services(self) -> None:
        """Each weekly service's cover, and who may serve when: one service a week at most,
        never in a vacation week, only residents it admits, only in weeks it runs."""
        p = self.p
        cover: dict[tuple[str, int], int] = Counter()
        index = {s.code: i for i, s in enumerate(p.services)}
        for resident in p.residents:
            rid = resident.id
            for w, codes in sorted(self.serving.get(rid, {}).items()):
                if len(codes) > 1:
                    self.broken(source_path("service", index[codes[1]]),
                                f"{self.name(rid)} is on {' and '.join(codes)} in week {w}; "
                                f"a resident serves one service a week")
                if w in self.away[rid]:
                    self.broken(source_path("service", index[codes[0]]),
                                f"{self.name(rid)} is on {codes[0]} in week {w}, a vacation "
                                f"week")
                for code in codes:
                    cover[code, w] += 1
                    service = p.service_by_code[code]
                    i = index[code]
                    if w not in p.service_weeks(service):
                        self.broken(source_path("service", i, "weeks"),
                                    f"{self.name(rid)} is on {code} in week {w}, when it does "
                                    f"not run")
                    self.not_open(service, resident, source_path("service", i),
                                  f"{code} in week {w}")
        for i, service in enumerate(p.services):
            for w in p.service_weeks(service):   # a week of holidays only too
                self.bounds(source_path("service", i), service,
                            cover.get((service.code, w), 0), f"week {w}")

    def requirements(self) -> None:
        p = self.p
        for i, requirement in enumerate(p.requirements):
            low, high = requirement_bounds(requirement)
            service = p.is_service(requirement.target)
            for resident in p.bound_residents(requirement):
                # counted in halves: a half block is 0.5 of a block (a week counts 2 halves)
                if service:
                    count2 = 2 * sum(self.on(resident.id, requirement.target))
                else:
                    count2 = sum(a + b for a, b in self.on_halves(resident.id,
                                                                   requirement.target))
                where = "this year"
                if requirement.scope == "residency":
                    count2 += 2 * p.history_count(resident, requirement.target)
                    where = "over the residency"
                # a soft requirement charges per whole unit short or over, a half rounded up
                miss = -(-max(2 * low - count2, 0) // 2)
                if high is not None:
                    miss += -(-max(count2 - 2 * high, 0) // 2)
                unit = "week" if service else "block"
                count = count2 // 2 if count2 % 2 == 0 else count2 / 2
                if miss:
                    self.broken(source_path("requirement", i),
                                f"{self.name(resident.id)} has {plural(count, unit)} of "
                                f"{describe.target(p, requirement.target)} {where}, needs "
                                f"{describe.bounds(low, high, unit)}"
                                + self._closed_to(resident, requirement.target),
                                requirement.hard, (requirement.weight or 0) * miss)

    def _closed_to(self, resident: Resident, target: str) -> str:
        """'; NF does not take R1 DR residents' where nothing the target names takes the
        resident (levels, tracks), so that no schedule could meet a requirement on it; ''
        otherwise."""
        p = self.p
        takers = [p.service_by_code[target]] if p.is_service(target) else \
            [p.rotation_by_code[code] for code in p.resolve(target)]
        if any(p.binds(entry, resident) for entry in takers):
            return ""
        return f"; {target} does not take {resident.level} {resident.track} residents"

    def rules(self) -> None:
        """Each rule checked by its kind's check (RULE_CHECKS)."""
        for i, rule in enumerate(self.p.rules):
            check: Callable[[int, Any, list[Resident]], None] = getattr(
                self, RULE_CHECKS[rule.kind])
            check(i, rule, self.p.bound_residents(rule))

    def coverage_rule(self, i: int, rule: CoverageRule, bound: list[Resident]) -> None:
        on = {r.id: self.on_halves(r.id, rule.target) for r in bound}
        for b in self.p.rule_blocks(rule):
            pair = [sum(on[r.id][b - 1][k] for r in bound) for k in (0, 1)]
            misses = []
            for k, count in _parts(pair):
                miss = max((rule.min or 0) - count, 0)
                if rule.max is not None:
                    miss += max(count - rule.max, 0)
                misses.append((miss, k, count))
            miss, k, count = max(misses, key=lambda found: found[0])
            if miss:  # a split block is charged for its worse half
                whom = describe.who(rule)
                counted = (plural(count, "resident") if whom == "all residents"
                           else f"{count} of the {whom}")
                self.broken(source_path("rule", i), f"{counted} on "
                            f"{describe.target(self.p, rule.target)} in {part_name(b, k)}, needs "
                            f"{describe.bounds(rule.min, rule.max, 'resident')}",
                            rule.hard, (rule.weight or 0) * miss)

    def max_consecutive(self, i: int, rule: MaxConsecutiveRule, bound: list[Resident]
                        ) -> None:
        for resident in bound:
            self._max_run(i, rule, resident.id, self.on(resident.id, rule.target))

    def _unit(self, target: str) -> str:
        """What a run of the target is counted in: weeks for a service, else blocks."""
        return "week" if self.p.is_service(target) else "block"

    def _max_run(self, i: int, rule: MaxConsecutiveRule, rid: str, on: list[bool]) -> None:
        unit = self._unit(rule.target)
        for start, length in runs(on):
            if length > rule.blocks:
                self.broken(source_path("rule", i),
                            f"{self.name(rid)} has {length} {unit}s in a row on "
                            f"{describe.target(self.p, rule.target)} from {unit} {start + 1}, "
                            f"at most {rule.blocks} allowed",
                            rule.hard, (rule.weight or 0) * (length - rule.blocks))

    def min_consecutive(self, i: int, rule: MinConsecutiveRule, bound: list[Resident]
                        ) -> None:
        for resident in bound:
            self._min_run(i, rule, resident.id, self.on(resident.id, rule.target))

    def _min_run(self, i: int, rule: MinConsecutiveRule, rid: str, on: list[bool]) -> None:
        unit = self._unit(rule.target)
        for start, length in runs(on):
            interior = start > 0 and start + length < len(on)
            if interior and length < rule.blocks:
                self.broken(source_path("rule", i),
                            f"{self.name(rid)} has only {length} {unit}(s) in a row "
                            f"on {describe.target(self.p, rule.target)} from {unit} {start + 1}, "
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
            elif p.is_service(request.target):
                serving = self.serving[rid]
                wanted = [request.target in serving.get(w, []) for w in p.request_weeks(request)]
                granted = all(wanted) if isinstance(request, AssignRequest) else not any(wanted)
            else:  # assign: both halves on the target; avoid: neither
                pairs = self.on_halves(rid, request.target)
                asked = [pairs[b - 1] for b in p.request_blocks(request)]
                granted = (all(a and b for a, b in asked) if isinstance(request, AssignRequest)
                           else not any(a or b for a, b in asked))
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
                was = cell_label(before) if before is not None else "nothing"
                if b <= freeze_through:
                    self.broken(source_path("previous", None, f"residents.{resident.id}"),
                                f"{self.name(resident.id)} changed from {was} to "
                                f"{cell_label(code)} in frozen block {b}")
                else:
                    self.broken(source_path("previous", None, f"residents.{resident.id}"),
                                f"{self.name(resident.id)} moved from {was} to "
                                f"{cell_label(code)} in block {b}", hard=False,
                                cost=p.info.change_weight)
            self._kept_weeks(resident, old, freeze_through)

    def _kept_weeks(self, resident: Resident, old: Any, freeze_through: int) -> None:
        """Weeks with a day in the frozen blocks keep their vacation and services exactly;
        each later vacation or service week of the previous schedule dropped costs
        `change_weight`."""
        p = self.p
        rid = resident.id
        source = source_path("previous", None, f"residents.{rid}")
        frozen_until = p.blocks[freeze_through - 1].end if freeze_through else None
        now: set[tuple[int, str | None]] = {(w, None) for w in self.away[rid]}
        now |= {(w, c) for w, codes in self.serving[rid].items() for c in codes}
        before: set[tuple[int, str | None]] = {(w, None) for w in old.vacation_weeks}
        # a service the program no longer has is gone from both schedules alike
        before |= {(w, c) for c, weeks in old.services.items() for w in weeks
                   if c in p.service_by_code}
        changed = []
        for week in self.calendar.weeks:
            frozen = frozen_until is not None and week.start <= frozen_until
            here_now = {k for k in now if k[0] == week.index}
            here_before = {k for k in before if k[0] == week.index}
            if frozen and here_now != here_before:
                changed.append(week.index)
            elif not frozen:
                for _, code in sorted(here_before - here_now, key=lambda k: k[1] or ""):
                    what = "vacation" if code is None else f"{code} week"
                    self.broken(source, f"{self.name(rid)}'s published {what} {week.index} "
                                        f"({week.start} to {week.end}) was dropped",
                                hard=False, cost=p.info.change_weight)
        if changed:
            self.broken(source, f"{self.name(rid)}'s vacation or services changed in frozen "
                                f"week{'s' if len(changed) > 1 else ''} {ranges(changed)}")
