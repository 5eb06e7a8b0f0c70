"""Benchmark program families of different structure, and format-2 features for any of them.

The engine was tuned on one generator (bench/generate.py: a realistic radiology department).
A strategy chosen on one shape of program may be wrong on another, so this module adds three
families built to stress other things, and a switch that turns the format-2 features on for
any family:

- **department** (`bench.generate`): the realistic multi-site radiology department: about 20
  rotations at 125 residents, loose capacities, many soft requests and soft rules. The
  objective is the hard part.
- **sites**: an internal-medicine network of 3 to 9 hospitals with *many small rotations*
  (ward teams, ICUs, night medicine, clinics and consult electives at each hospital, 2 to 4
  residents a block each: about one rotation per three residents, 170 at 500 residents),
  weekly presence minimums (`min_present`) on every inpatient service, residents' history
  counted by multi-year requirements (ICU, ambulatory, emergency, research limit), a senior at
  every hospital, and about two soft requests per resident (holiday weeks, electives,
  hospitals to avoid). Many small capacities and presence floors: the model is wide, and the
  vacation weeks interact with presence on every small service.
- **boards**: a general-surgery program with *few rotations* (18) whose years are dominated
  by hard multi-year board minimums (ICU, endoscopy, vascular, thoracic, transplant,
  pediatric, trauma, breast, core surgery by the end of PGY5, milestones at PGY3 and PGY4)
  that each resident's history meets to a different degree, hard prerequisite rules (acute
  care before trauma, ICU before burns and thoracic, hepatobiliary before transplant), per
  year limits, and few soft entries. Each resident's year is nearly forced by their history.
- **tight**: a combined-pathways program whose residents each may take only five rotations
  (three of their own pathway's, two shared with one other pathway), exact yearly
  requirements, rotation `min` and `max` at the witness's quietest and busiest block (one
  or two apart), hard run-length rules, hard pins, and presence floors at the witness's
  lowest: few schedules exist, so finding one is the hard part; the soft requests are few.

Every program is feasible by construction. Each family first builds a *witness*: a full
schedule (rotations, vacation weeks; with format 2 also weekly services and split blocks)
that meets every hard entry it then writes: capacities, presence floors, coverage minimums
and limits are set around the witness's counts, requirements around its years (with the
residents' history), hard requests are read off it. `build(...)` returns the program dict and
the witness rows ({resident id: {"rotations": [...], "vacation_weeks": [...], "services":
{...}}}) so that a test can check the witness with the independent checker.

`with_format_2(program, rows, seed)` adds, to any family's program and witness: holidays, a
weekly night-float service (min/max per week, eligible levels, a `not_from` list, a run
limit and a yearly cap), an R1 orientation blackout and a board-exam blackout (witness
vacations inside them are moved), an away limit (hard, at the witness's busiest week; and a
soft one for the first-years), extended leave for a few residents (more vacation weeks and
`max_vacation_weeks_per_block = 2`) and split blocks (two rotations marked `split`, a few
witness residents sharing blocks between them). Every change to the witness is checked
against presence floors, vacation rules and caps as it is made; where a vacation week must
leave a blackout and no other week keeps every presence floor, the floor of the week it goes
to is lowered to what the witness has.

`FAMILIES` maps each family's name to its builder, `(residents, calendar, seed) ->
(program, witness rows)`; `program(...)` and `witness_schedule(...)` take a family name and
`f2` and are what tests and bench/run.py use.

All names are made up from syllables (bench.generate's name maker); no real people.
"""

from __future__ import annotations

import copy
import functools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.generate import CALENDARS, HOLIDAYS, YEAR_START, _name
from bench.generate import witness as _department_witness
from scheduler import Assignment, Schedule, load_program
from scheduler.calendar import WORKING_WEEKDAYS, Calendar

Rows = dict[str, dict[str, Any]]
Built = tuple[dict[str, Any], Rows]
Family = Callable[[int, str, int], Built]
Cell = str | tuple[str, str]

SIZES = (20, 50, 125, 250, 500)   # the benchmark's sizes, as in bench.generate
MIN_RESIDENTS, MAX_RESIDENTS = 20, 1000
VACATION_WEEKS = 4


# ---------------------------------------------------------------------------- shared pieces

def _check_size(residents: int, calendar: str) -> None:
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {', '.join(CALENDARS)}")
    if not MIN_RESIDENTS <= residents <= MAX_RESIDENTS:
        raise ValueError(f"{MIN_RESIDENTS} to {MAX_RESIDENTS} residents")


def _allocate(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, at least one each (largest remainders)."""
    spare = total - len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [1 + math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - math.floor(shares[i]),
                   reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Names:
    """Invented, unique resident ids and names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def person(self) -> tuple[str, str]:
        rng = self.rng
        first = _name(rng, rng.choice([2, 2, 3]))
        last = _name(rng, rng.choice([2, 2, 2, 3]))
        rid, k = last.lower(), 2
        while rid in self.seen:
            rid, k = f"{last.lower()}-{k}", k + 1
        self.seen.add(rid)
        return rid, f"{first} {last}"


def _admits(entry: dict[str, Any], level: str, track: str) -> bool:
    return ((entry.get("levels") is None or level in entry["levels"])
            and (entry.get("tracks") is None or track in entry["tracks"]))


def _arrange(rng: random.Random, years: dict[str, list[str]], blocks: int
             ) -> dict[str, list[str]]:
    """Each resident's year (a multiset of codes) spread over the blocks so that every
    rotation's load stays even (greedy: the least loaded (rotation, block) first)."""
    load: dict[str, list[int]] = defaultdict(lambda: [0] * blocks)
    rows: dict[str, list[str]] = {}
    order = list(years)
    rng.shuffle(order)
    for rid in order:
        items = list(years[rid])
        free = list(range(blocks))
        row = [""] * blocks
        while items:
            best: tuple[tuple[float, float], int, int] | None = None
            for k, code in enumerate(items):
                counts = load[code]
                mean = sum(counts) / blocks
                for b in free:
                    cost = (counts[b] - mean, rng.random())
                    if best is None or cost < best[0]:
                        best = (cost, k, b)
            assert best is not None
            _, k, b = best
            code = items.pop(k)
            row[b] = code
            free.remove(b)
            load[code][b] += 1
        rows[rid] = row
    return {rid: rows[rid] for rid in years}


def _halves(cell: Any) -> tuple[str, str]:
    return (cell, cell) if isinstance(cell, str) else (cell[0], cell[1])


def _wednesday(cal: Calendar, week: int) -> date:
    """A date naming `week` in a request."""
    return cal.week_start(week) + timedelta(days=2)


class _Tracker:
    """A witness being built, with what every hard vacation and presence rule needs.

    The year is cut into *segments*: the working days one week shares with one half of one
    block (week 0 holds the working days that lie in no week). Every resident's rotation,
    vacation and service are the same on all of a segment's days, so presence
    (`min_present`) and vacation days per block checked per segment are checked per day.
    `floor` is each rotation's presence minimum; `caps` each resident's vacation weeks per
    block; `barred` the weeks a resident may not take as vacation (blackouts)."""

    def __init__(self, cal: Calendar, rows: dict[str, list[Any]], vacation_ok: dict[str, bool],
                 floor: dict[str, int], caps: dict[str, int] | None = None):
        self.cal = cal
        self.cells: dict[str, list[tuple[str, str]]] = {
            rid: [_halves(c) for c in row] for rid, row in rows.items()}
        self.vacation_ok = vacation_ok
        self.floor = dict(floor)
        self.caps = {rid: 1 for rid in rows} | (caps or {})
        self.barred: dict[str, set[int]] = {}
        self.away: dict[str, set[int]] = {rid: set() for rid in rows}
        self.serving: dict[str, dict[int, str]] = {rid: {} for rid in rows}
        self.away_total: Counter[int] = Counter()
        segments: Counter[tuple[int, int, int]] = Counter()
        for day in cal.days:
            if cal.is_working_day(day):
                block = cal.block_of_day(day)
                assert block is not None
                segments[cal.week_of(day) or 0, block, cal.half_of_day(day)] += 1
        self.segments = dict(sorted(segments.items()))
        self.week_segs: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.block_segs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (w, b, h), n in self.segments.items():
            self.week_segs[w].append((b, h, n))
            self.block_segs[b].append((w, h))
        self.present: Counter[tuple[str, int, int, int]] = Counter()
        for cells in self.cells.values():
            for (w, b, h) in self.segments:
                self.present[cells[b - 1][h], w, b, h] += 1
        self.vac_days: Counter[tuple[str, int]] = Counter()
        self.weeks = range(1, cal.num_weeks + 1)

    def absent(self, rid: str, week: int) -> bool:
        return week in self.away[rid] or week in self.serving[rid]

    def slack(self, rid: str, week: int) -> int:
        """How far above its floor the resident's emptiest rotation would stay without them."""
        cells = self.cells[rid]
        return min((self.present[cells[b - 1][h], week, b, h] - 1
                    - self.floor.get(cells[b - 1][h], 0) for b, h, _ in self.week_segs[week]),
                   default=99)

    def can_vacation(self, rid: str, week: int, floors: bool = True) -> bool:
        if self.absent(rid, week) or week in self.barred.get(rid, ()):
            return False
        cells = self.cells[rid]
        days: Counter[int] = Counter()
        for b, h, n in self.week_segs[week]:
            if not self.vacation_ok.get(cells[b - 1][h], True):
                return False
            days[b] += n
        cap = WORKING_WEEKDAYS * self.caps[rid]
        if any(self.vac_days[rid, b] + n > cap for b, n in days.items()):
            return False
        return not floors or self.slack(rid, week) >= 0

    def _leave(self, rid: str, week: int, sign: int) -> None:
        cells = self.cells[rid]
        for b, h, _ in self.week_segs[week]:
            self.present[cells[b - 1][h], week, b, h] -= sign

    def add_vacation(self, rid: str, week: int) -> None:
        self.away[rid].add(week)
        self.away_total[week] += 1
        self._leave(rid, week, 1)
        for b, _, n in self.week_segs[week]:
            self.vac_days[rid, b] += n

    def remove_vacation(self, rid: str, week: int) -> None:
        self.away[rid].discard(week)
        self.away_total[week] -= 1
        self._leave(rid, week, -1)
        for b, _, n in self.week_segs[week]:
            self.vac_days[rid, b] -= n

    def pick_week(self, rng: random.Random, rid: str, floors: bool = True,
                  prefer: Callable[[int], float] | None = None) -> int | None:
        """The best week to add to the resident's vacation: presence kept well above its
        floor, away from their other weeks, in a quiet week overall."""
        options = [w for w in self.weeks if self.can_vacation(rid, w, floors)]
        if not options:
            return None
        mine = self.away[rid]

        def score(w: int) -> tuple[float, ...]:
            spread = min((abs(w - v) for v in mine), default=99)
            return ((prefer(w) if prefer else 0), min(self.slack(rid, w), 2), min(spread, 6),
                    -self.away_total[w], rng.random())

        return max(options, key=score)

    def place_vacations(self, rng: random.Random, weeks: dict[str, int]) -> None:
        """Vacation weeks for everyone, kept above the floors where possible."""
        order = list(weeks)
        rng.shuffle(order)
        for rid in order:
            for _ in range(weeks[rid]):
                week = self.pick_week(rng, rid) or self.pick_week(rng, rid, floors=False)
                if week is None:
                    raise RuntimeError(f"no week left for {rid}'s vacation")
                self.add_vacation(rid, week)

    def can_serve(self, rid: str, week: int, banned: set[str]) -> bool:
        if self.absent(rid, week) or not self.week_segs.get(week):
            return False
        cells = self.cells[rid]
        if any(cells[b - 1][h] in banned for b, h, _ in self.week_segs[week]):
            return False
        return self.slack(rid, week) >= 0

    def add_service(self, rid: str, week: int, code: str) -> None:
        self.serving[rid][week] = code
        self._leave(rid, week, 1)

    def set_cell(self, rid: str, block: int, cell: Cell) -> bool:
        """Give the resident `cell` in `block` if every presence floor still holds."""
        new, old = _halves(cell), self.cells[rid][block - 1]
        moved = [(w, h) for w, h in self.block_segs[block]
                 if old[h] != new[h] and not self.absent(rid, w)]
        if any(w in self.away[rid] and not self.vacation_ok.get(new[h], True)
               for w, h in self.block_segs[block]):
            return False
        for w, h in moved:
            self.present[old[h], w, block, h] -= 1
            self.present[new[h], w, block, h] += 1
        if any(self.present[old[h], w, block, h] < self.floor.get(old[h], 0) for w, h in moved):
            for w, h in moved:
                self.present[old[h], w, block, h] += 1
                self.present[new[h], w, block, h] -= 1
            return False
        self.cells[rid][block - 1] = new
        return True

    def min_presence(self, code: str) -> int:
        """The fewest residents present on the rotation on any working day."""
        return min(self.present[code, w, b, h] for (w, b, h) in self.segments)

    def half_counts(self) -> dict[str, list[int]]:
        """Rotation -> its count in every half block (index 2 * (block - 1) + half)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * (2 * self.cal.num_blocks))
        for cells in self.cells.values():
            for b, pair in enumerate(cells):
                for h, code in enumerate(pair):
                    counts[code][2 * b + h] += 1
        return counts

    def rows(self) -> Rows:
        found: Rows = {}
        for rid, cells in self.cells.items():
            services: dict[str, list[int]] = defaultdict(list)
            for w, code in sorted(self.serving[rid].items()):
                services[code].append(w)
            entry: dict[str, Any] = {
                "rotations": [a if a == b else [a, b] for a, b in cells],
                "vacation_weeks": sorted(self.away[rid])}
            if services:
                entry["services"] = dict(services)
            found[rid] = entry
        return found


def _block_counts(rows: dict[str, list[str]], blocks: int) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * blocks)
    for row in rows.values():
        for b, code in enumerate(row):
            counts[code][b] += 1
    return counts


def _weight(rng: random.Random) -> int:
    return rng.choice([1, 1, 2, 2, 3, 3, 4, 5])


def _program_info(name: str, calendar: str, levels: list[str], tracks: list[str]
                  ) -> dict[str, Any]:
    return {"name": name, "year_start": YEAR_START, "calendar": calendar, "levels": levels,
            "tracks": tracks, "vacation_weeks": VACATION_WEEKS,
            "max_vacation_weeks_per_block": 1, "change_weight": 1}


def _holiday_request(rng: random.Random, rid: str) -> dict[str, Any]:
    day = rng.choices([d for d, _ in HOLIDAYS], [p for _, p in HOLIDAYS])[0]
    return {"resident": rid, "kind": "vacation", "weeks": [day], "weight": _weight(rng)}


def _hard_pin(rng: random.Random, cal: Calendar, rid: str, row: list[str], away: set[int],
              eligible: list[str]) -> dict[str, Any]:
    """A hard request the witness grants: approved leave, a fixed block, or a gap."""
    kind = rng.choice(["vacation", "assign", "avoid"])
    if kind == "vacation" and away:
        return {"resident": rid, "kind": "vacation", "hard": True,
                "weeks": [_wednesday(cal, rng.choice(sorted(away)))]}
    unused = [c for c in eligible if c not in row]
    if kind == "avoid" and unused:
        return {"resident": rid, "kind": "avoid", "rotation": rng.choice(unused), "hard": True}
    b = rng.randrange(len(row))
    return {"resident": rid, "kind": "assign", "rotation": row[b], "blocks": [b + 1],
            "hard": True}


# ---------------------------------------------------------------------------- department

def department(residents: int, calendar: str = "months", seed: int = 0) -> Built:
    """bench.generate's realistic radiology department, with its witness."""
    _check_size(residents, calendar)
    return _department_witness(residents, calendar, seed)


# ---------------------------------------------------------------------------- sites

SITE_LEVELS = ["PGY1", "PGY2", "PGY3"]
SITE_TRACKS = ["CAT", "PC", "PRELIM"]
SENIORS = ["PGY2", "PGY3"]
SITE_COHORTS = [("PGY1", "CAT", 5), ("PGY1", "PC", 2), ("PGY1", "PRELIM", 2),
                ("PGY2", "CAT", 5), ("PGY2", "PC", 2), ("PGY3", "CAT", 5), ("PGY3", "PC", 2)]
SITE_KINDS = ["General Hospital", "Medical Center", "Community Hospital",
              "Regional Medical Center", "Veterans Hospital", "Memorial Hospital"]
PER_ROTATION = 3   # residents a block a site rotation is sized for (2 to 4)


@dataclass(frozen=True)
class _Kind:
    """A kind of rotation a hospital may offer."""

    code: str
    name: str
    category: str
    groups: tuple[str, ...]
    levels: tuple[str, ...] | None = None
    tracks: tuple[str, ...] | None = None
    vacation: bool = True
    staffed: bool = False   # gets min_present


SITE_CORE = {
    "WARD": _Kind("WARD", "General Medicine Wards", "WARD", ("WARDS", "INPATIENT"),
                  staffed=True),
    "MICU": _Kind("MICU", "Medical ICU", "ICU", ("ICU", "MICU", "INPATIENT"), vacation=False,
                  staffed=True),
    "CCU": _Kind("CCU", "Cardiac Care Unit", "ICU", ("ICU", "CCU-TEAM", "INPATIENT"),
                 tuple(SENIORS), vacation=False, staffed=True),
    "NIGHT": _Kind("NIGHT", "Night Medicine", "NIGHT", ("NIGHTS", "INPATIENT"), staffed=True),
    "ED": _Kind("ED", "Emergency Medicine", "ED", ("ACUTE",)),
    "CLIN": _Kind("CLIN", "Continuity Clinic", "CLINIC", ("AMB",), tracks=("CAT", "PC")),
    "RES": _Kind("RES", "Research", "RESEARCH", ("RESEARCH",), tuple(SENIORS)),
}
SITE_ELECTIVES = [
    _Kind(code, name, "ELECTIVE", ("ELECTIVE",), tuple(levels) if levels else None)
    for code, name, levels in [
        ("CARDS", "Cardiology Consults", None), ("GI", "Gastroenterology", None),
        ("PULM", "Pulmonary Medicine", None), ("RENAL", "Nephrology", None),
        ("ID", "Infectious Diseases", None), ("HEME", "Hematology and Oncology", SENIORS),
        ("ENDO", "Endocrinology", None), ("RHEUM", "Rheumatology", SENIORS),
        ("NEURO", "Neurology", None), ("GERI", "Geriatrics", None),
        ("PALL", "Palliative Care", None), ("DERM", "Dermatology", SENIORS),
        ("ADDICT", "Addiction Medicine", None), ("SLEEP", "Sleep Medicine", SENIORS),
        ("ALLERGY", "Allergy and Immunology", SENIORS), ("TOX", "Toxicology", SENIORS),
        ("POCUS", "Point-of-Care Ultrasound", None), ("HOSP", "Hospitalist Elective", ["PGY3"]),
    ]
]
# Minimum blocks per category this year, by level and track (the hard yearly requirements).
SITE_TEMPLATE = {
    ("PGY1", "CAT"): {"WARD": 4, "ICU": 1, "NIGHT": 1, "ED": 1, "CLINIC": 1},
    ("PGY1", "PC"): {"WARD": 3, "ICU": 1, "NIGHT": 1, "ED": 1, "CLINIC": 3},
    ("PGY1", "PRELIM"): {"WARD": 5, "ICU": 1, "NIGHT": 1, "ED": 1},
    ("PGY2", "CAT"): {"WARD": 3, "ICU": 1, "NIGHT": 1, "ED": 1, "CLINIC": 1},
    ("PGY2", "PC"): {"WARD": 2, "ICU": 1, "NIGHT": 1, "CLINIC": 3},
    ("PGY3", "CAT"): {"WARD": 2, "NIGHT": 1, "CLINIC": 1},
    ("PGY3", "PC"): {"WARD": 2, "NIGHT": 1, "CLINIC": 3},
}
CATEGORY_GROUP = {"WARD": "WARDS", "ICU": "ICU", "NIGHT": "NIGHTS", "ED": "ACUTE",
                  "CLINIC": "AMB", "ELECTIVE": "ELECTIVE", "RESEARCH": "RESEARCH"}
# Multi-year requirements (scope "residency"): (levels, tracks, category, min or None, max)
SITE_RESIDENCY = [
    (["PGY3"], None, "ICU", 4, None),
    (["PGY3"], ["CAT"], "CLINIC", 4, None),
    (["PGY3"], ["PC"], "CLINIC", 9, None),
    (["PGY2"], ["CAT"], "ED", 2, None),
    (None, None, "RESEARCH", None, 2),
]


class _Sites:
    """Builds a `sites` program and its witness."""

    def __init__(self, residents: int, calendar: str, seed: int):
        self.size, self.calendar = residents, calendar
        self.rng = random.Random(f"sites:{residents}:{calendar}:{seed}")
        self.cal = Calendar(YEAR_START, calendar)
        self.B = self.cal.num_blocks

    def make_sites(self) -> list[tuple[str, str]]:
        """(code, name) of each hospital, the university hospital first."""
        count = min(9, 3 + self.size // 80)
        found: list[tuple[str, str]] = []
        codes: set[str] = set()
        while len(found) < count:
            word = _name(self.rng, 2)
            code = "".join(ch for ch in word.upper() if ch.isalpha())[:3]
            if len(code) < 3 or code in codes:
                continue
            codes.add(code)
            kind = "University Hospital" if not found else self.rng.choice(SITE_KINDS)
            found.append((code, f"{word} {kind}"))
        return found

    def history(self, level: str, track: str) -> dict[str, int]:
        rng, years = self.rng, SITE_LEVELS.index(level)
        if years == 0:
            return {}
        if years == 1:
            found = {"WARDS": rng.choice([3, 4, 5]), "ICU": rng.choice([1, 1, 2]),
                     "NIGHTS": 1, "ACUTE": rng.choice([0, 1, 1]),
                     "AMB": rng.choice([1, 1, 2] if track == "CAT" else [3, 3, 4])}
        else:
            found = {"WARDS": rng.choice([6, 7, 8]), "ICU": rng.choice([1, 2, 2, 3, 4]),
                     "NIGHTS": 2, "ACUTE": rng.choice([1, 2, 2, 3]),
                     "AMB": rng.choice([1, 2, 2, 3] if track == "CAT" else [5, 6, 6, 7]),
                     "RESEARCH": rng.choice([0, 0, 1, 2])}
        found["ELECTIVE"] = 12 * years - sum(found.values())
        return {k: v for k, v in found.items() if v > 0}

    def year(self, level: str, track: str, history: dict[str, int]) -> list[str]:
        """The witness year as categories."""
        counts = Counter(SITE_TEMPLATE[level, track])
        for levels, tracks, category, low, _ in SITE_RESIDENCY:
            if low is None or (levels and level not in levels) or (tracks and track not in tracks):
                continue
            counts[category] = max(counts[category],
                                   low - history.get(CATEGORY_GROUP[category], 0))
        if level in SENIORS and history.get("RESEARCH", 0) < 2 and self.rng.random() < 0.3:
            counts["RESEARCH"] += 1
        counts["ELECTIVE"] += self.B - sum(counts.values())
        assert counts["ELECTIVE"] >= 0
        return [c for c in ("WARD", "ICU", "NIGHT", "ED", "CLINIC", "RESEARCH", "ELECTIVE")
                for _ in range(counts[c])]

    def make_rotations(self, sites: list[tuple[str, str]], demand: Counter[str]
                       ) -> list[dict[str, Any]]:
        """Rotations sized for PER_ROTATION residents a block, spread over the hospitals."""
        rng, B = self.rng, self.B
        found: list[dict[str, Any]] = []
        per_site: Counter[tuple[str, str]] = Counter()

        def add(kind: _Kind, site: int) -> None:
            code, site_name = sites[site]
            per_site[code, kind.code] += 1
            n = per_site[code, kind.code]
            suffix = "" if n == 1 else f"-{chr(ord('A') + n - 1)}"
            entry: dict[str, Any] = {
                "code": f"{code}-{kind.code}{suffix}",
                "name": f"{kind.name}{' ' + suffix[1:] if suffix else ''} - {site_name}",
                "groups": [*kind.groups, f"SITE-{code}"], "site": site_name,
                "category": kind.category, "staffed": kind.staffed}
            if kind.levels:
                entry["levels"] = list(kind.levels)
            if kind.tracks:
                entry["tracks"] = list(kind.tracks)
            if not kind.vacation:
                entry["vacation"] = False
            found.append(entry)

        def count(category: str) -> int:
            return max(1, round(demand[category] / B / PER_ROTATION))

        start = 0
        for category, kinds in (("WARD", ["WARD"]), ("ICU", ["MICU", "CCU"]),
                                ("NIGHT", ["NIGHT"]), ("ED", ["ED"]), ("CLINIC", ["CLIN"])):
            n = count(category)
            ccu = n // 3 if category == "ICU" else 0
            for i in range(n):
                kind = SITE_CORE[kinds[-1] if i < ccu else kinds[0]]
                add(kind, (start + i) % len(sites))
            start += n
        for _ in range(count("RESEARCH")):
            add(SITE_CORE["RES"], 0)
        electives = list(SITE_ELECTIVES)
        rng.shuffle(electives)
        # the first two are open to every level: first-years need electives too
        opening = [kind for kind in electives if kind.levels is None][:2]
        electives = opening + [kind for kind in electives if kind not in opening]
        n = min(count("ELECTIVE"), len(electives) * len(sites))
        for i in range(n):
            kind = electives[i % len(electives)]
            add(kind, (i + i // len(electives)) % len(sites))
        return found

    def build(self) -> Built:
        rng, B, cal = self.rng, self.B, self.cal
        names = _Names(rng)
        people: list[dict[str, Any]] = []
        for (level, track, _), n in zip(SITE_COHORTS, _allocate(
                self.size, [w for _, _, w in SITE_COHORTS]), strict=True):
            for _ in range(n):
                rid, name = names.person()
                entry: dict[str, Any] = {"id": rid, "name": name, "level": level,
                                         "track": track}
                history = self.history(level, track)
                if history:
                    entry["history"] = history
                people.append(entry)
        categories = {r["id"]: self.year(r["level"], r["track"], r.get("history", {}))
                      for r in people}
        demand = Counter(c for year in categories.values() for c in year)
        sites = self.make_sites()
        rotations = self.make_rotations(sites, demand)
        by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rotation in rotations:
            by_category[rotation["category"]].append(rotation)
        # each resident's category blocks on the least used eligible rotation of it
        total: Counter[str] = Counter()
        years: dict[str, list[str]] = {}
        order = list(people)
        rng.shuffle(order)
        for r in order:
            mine: Counter[str] = Counter()
            for category in categories[r["id"]]:
                options = [x for x in by_category[category]
                           if _admits(x, r["level"], r["track"])]
                pick = min(options, key=lambda x: (
                    mine[x["code"]] if category == "ELECTIVE" else 0, total[x["code"]],
                    rng.random()))
                mine[pick["code"]] += 1
                total[pick["code"]] += 1
            years[r["id"]] = list(mine.elements())
        rows = _arrange(rng, years, B)
        staffed = {x["code"] for x in rotations if x["staffed"]}
        tracker = _Tracker(cal, {rid: list(row) for rid, row in rows.items()},
                           {x["code"]: x.get("vacation", True) for x in rotations},
                           dict.fromkeys(staffed, 1))
        tracker.place_vacations(rng, {r["id"]: VACATION_WEEKS for r in people})
        counts = _block_counts(rows, B)
        program_rotations = []
        for x in rotations:
            code = x.pop("code")
            x.pop("category")
            low, high = min(counts[code]), max(counts[code])
            present = tracker.min_presence(code) if x.pop("staffed") else 0
            entry = {"code": code, **x,
                     "min": max(present, low - 1 if low >= 3 else low),
                     "max": max(2, high + 1)}
            if present:
                entry["min_present"] = present
            program_rotations.append(entry)
        level_of = {r["id"]: r["level"] for r in people}
        rules: list[dict[str, Any]] = []
        for code, site_name in sites:
            seniors = [sum(1 for rid, row in rows.items() if level_of[rid] in SENIORS
                           and row[b].startswith(f"{code}-")) for b in range(B)]
            if min(seniors) >= 1:
                rules.append({"kind": "coverage", "name": f"A senior at {site_name}",
                              "levels": list(SENIORS), "group": f"SITE-{code}", "min": 1})
        rules += [
            {"kind": "max_consecutive", "name": "Inpatient at most 3 blocks in a row",
             "group": "INPATIENT", "blocks": 3, "hard": False, "weight": 2},
            {"kind": "max_consecutive", "name": "ICU at most 2 blocks in a row",
             "group": "ICU", "blocks": 2, "hard": False, "weight": 3},
            {"kind": "min_consecutive", "name": "Ward blocks in pairs", "group": "WARDS",
             "blocks": 2, "hard": False, "weight": 1},
        ]
        if "CCU-TEAM" in {g for x in program_rotations for g in x["groups"]}:
            rules.append({"kind": "prerequisite", "name": "Medical ICU before the CCU",
                          "group": "CCU-TEAM", "requires": "MICU", "hard": False,
                          "weight": 2})
        name = f"Benchmark sites, {self.size} residents ({self.calendar} calendar)"
        raw = {
            "format": 1,
            "program": _program_info(name, self.calendar, list(SITE_LEVELS), list(SITE_TRACKS)),
            "rotation": program_rotations,
            "resident": people,
            "requirement": self.requirements(),
            "rule": rules,
            "request": self.requests(people, rows, tracker, sites, program_rotations),
        }
        return raw, tracker.rows()

    def requirements(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for (level, track), template in SITE_TEMPLATE.items():
            for category, n in template.items():
                group = CATEGORY_GROUP[category]
                entry: dict[str, Any] = {"name": f"{level} {track} {group.lower()}",
                                         "levels": [level], "tracks": [track], "group": group}
                entry |= {"exactly": 1} if category == "NIGHT" else {"min": n}
                found.append(entry)
        found.append({"name": "Emergency at most 2 blocks a year", "group": "ACUTE", "max": 2})
        for levels, tracks, category, low, high in SITE_RESIDENCY:
            entry = {"name": f"{CATEGORY_GROUP[category].lower()} over the residency",
                     "group": CATEGORY_GROUP[category], "scope": "residency"}
            if levels:
                entry["levels"] = levels
            if tracks:
                entry["tracks"] = tracks
            entry |= {"min": low} if low is not None else {"max": high}
            found.append(entry)
        return found

    def requests(self, people, rows, tracker: _Tracker, sites, rotations
                 ) -> list[dict[str, Any]]:
        rng, B = self.rng, self.B
        found: list[dict[str, Any]] = []
        for r in people:
            rid = r["id"]
            eligible = [x["code"] for x in rotations if _admits(x, r["level"], r["track"])]
            if rng.random() < 0.03:
                found.append(_hard_pin(rng, self.cal, rid, rows[rid], tracker.away[rid],
                                       eligible))
            if rng.random() < 0.6:
                found.append(_holiday_request(rng, rid))
            roll = rng.random()
            electives = [c for c in eligible if any(c.endswith("-" + k.code)
                                                    for k in SITE_ELECTIVES)]
            if roll < 0.5 and electives:
                found.append({"resident": rid, "kind": "assign",
                              "rotation": rng.choice(electives),
                              "blocks": [rng.randint(B - 5, B)], "weight": _weight(rng)})
            elif roll < 0.9 and len(sites) > 1:
                code = rng.choice(sites[1:])[0]
                start = rng.randint(1, B)
                blocks = list(range(start, min(B, start + rng.choice([0, 1, 2])) + 1))
                found.append({"resident": rid, "kind": "avoid", "group": f"SITE-{code}",
                              "blocks": blocks, "weight": _weight(rng)})
        return found


def sites(residents: int, calendar: str = "months", seed: int = 0) -> Built:
    """Many small rotations at several hospitals, with presence floors and history."""
    _check_size(residents, calendar)
    return _Sites(residents, calendar, seed).build()


# ---------------------------------------------------------------------------- boards

BOARD_LEVELS = ["PGY1", "PGY2", "PGY3", "PGY4", "PGY5"]
BOARD_TRACKS = ["GS", "PRELIM"]
UP_FROM = {2: BOARD_LEVELS[1:], 3: BOARD_LEVELS[2:]}
BOARD_ROTATIONS: list[dict[str, Any]] = [
    {"code": "ACS", "name": "Acute Care Surgery", "groups": ["CORE", "INPATIENT"]},
    {"code": "TRAUMA", "name": "Trauma Surgery", "groups": ["CORE", "INPATIENT"]},
    {"code": "ONC", "name": "Surgical Oncology", "groups": ["CORE"]},
    {"code": "COLO", "name": "Colorectal Surgery", "groups": ["CORE"]},
    {"code": "HPB", "name": "Hepatobiliary and Pancreatic Surgery", "groups": ["CORE"],
     "levels": UP_FROM[2]},
    {"code": "MIS", "name": "Minimally Invasive Surgery", "groups": ["CORE"]},
    {"code": "SICU", "name": "Surgical Intensive Care", "groups": ["ICU", "INPATIENT"],
     "vacation": False},
    {"code": "BURN", "name": "Burn Unit", "groups": ["ICU"], "levels": UP_FROM[2],
     "vacation": False},
    {"code": "VASC", "name": "Vascular Surgery", "groups": ["SUBSPEC"]},
    {"code": "THOR", "name": "Thoracic Surgery", "groups": ["SUBSPEC"], "levels": UP_FROM[3]},
    {"code": "TX", "name": "Transplant Surgery", "groups": ["SUBSPEC"], "levels": UP_FROM[3]},
    {"code": "PEDS", "name": "Pediatric Surgery", "groups": ["SUBSPEC"], "levels": UP_FROM[2]},
    {"code": "ENDO", "name": "Endoscopy", "groups": ["SCOPE"]},
    {"code": "BREAST", "name": "Breast Surgery", "groups": ["BREAST-SURG"]},
    {"code": "NIGHT", "name": "Night Float", "groups": ["INPATIENT"],
     "levels": BOARD_LEVELS[:3]},
    {"code": "RES", "name": "Surgical Research", "groups": ["RESEARCH"],
     "levels": ["PGY3", "PGY4"], "tracks": ["GS"]},
    {"code": "CHIEF-U", "name": "Chief Resident - University", "groups": ["CORE", "CHIEF"],
     "levels": ["PGY5"]},
    {"code": "CHIEF-C", "name": "Chief Resident - Community Hospital",
     "groups": ["CORE", "CHIEF"], "levels": ["PGY5"]},
]
BOARD_STAFFED = ("ACS", "TRAUMA", "SICU", "NIGHT")
BOARD_FILL = {"ACS": 3, "TRAUMA": 2, "ONC": 2, "COLO": 2, "HPB": 1.5, "MIS": 1.5}
# The typical blocks of each year beyond core surgery (each kept with probability 0.8).
BOARD_TYPICAL = {
    1: ["VASC", "ENDO", "BREAST", "TRAUMA"],
    2: ["SICU", "BURN", "PEDS", "VASC", "ENDO"],
    3: ["SICU", "THOR", "TX", "TRAUMA", "PEDS"],
    4: ["VASC", "THOR", "HPB", "ENDO"],
    5: [],
}
# Board minimums and milestones, over the residency (general surgery track).
BOARD_MINIMUMS: list[tuple[str, str, str, int]] = [
    ("PGY5", "group", "ICU", 4), ("PGY5", "group", "SCOPE", 2),
    ("PGY5", "rotation", "VASC", 3), ("PGY5", "rotation", "THOR", 2),
    ("PGY5", "rotation", "TX", 1), ("PGY5", "rotation", "PEDS", 2),
    ("PGY5", "rotation", "TRAUMA", 4), ("PGY5", "group", "BREAST-SURG", 1),
    ("PGY5", "group", "CORE", 28),
    ("PGY4", "rotation", "VASC", 2), ("PGY4", "rotation", "PEDS", 1),
    ("PGY4", "group", "SCOPE", 2), ("PGY4", "rotation", "THOR", 1),
    ("PGY3", "group", "ICU", 3), ("PGY3", "rotation", "TRAUMA", 2),
]
BOARD_PREREQUISITES = [("TRAUMA", "ACS", "Acute care surgery before trauma"),
                       ("BURN", "SICU", "Surgical ICU before the burn unit"),
                       ("TX", "HPB", "Hepatobiliary surgery before transplant"),
                       ("THOR", "SICU", "Surgical ICU before thoracic surgery")]
SUBSPEC_MAX = 3   # blocks a year on any one subspecialty


class _Boards:
    """Builds a `boards` program and its witness."""

    def __init__(self, residents: int, calendar: str, seed: int):
        self.size, self.calendar = residents, calendar
        self.rng = random.Random(f"boards:{residents}:{calendar}:{seed}")
        self.cal = Calendar(YEAR_START, calendar)
        self.B = self.cal.num_blocks
        self.by_code = {x["code"]: x for x in BOARD_ROTATIONS}
        self.members: dict[str, list[str]] = defaultdict(list)
        for x in BOARD_ROTATIONS:
            for g in x["groups"]:
                self.members[g].append(x["code"])

    def eligible(self, code: str, level: str, track: str = "GS") -> bool:
        return _admits(self.by_code[code], level, track)

    def filler(self, level: str) -> str:
        codes = [c for c in BOARD_FILL if self.eligible(c, level)]
        return self.rng.choices(codes, [BOARD_FILL[c] for c in codes])[0]

    def codes_of(self, kind: str, target: str) -> list[str]:
        return [target] if kind == "rotation" else self.members[target]

    def history(self, level: str, track: str) -> Counter[str]:
        years = BOARD_LEVELS.index(level)
        found: Counter[str] = Counter()
        if track != "GS":
            return found
        for y in range(1, years + 1):
            year_level = BOARD_LEVELS[y - 1]
            year = ["ACS", "SICU"] if y == 1 else []
            year += ["NIGHT"] if y <= 3 else []
            year += [c for c in BOARD_TYPICAL[y] if self.rng.random() < 0.8]
            while len(year) < self.B:
                year.append(self.filler(year_level))
            found.update(year)
        return found

    def needs(self, level: str, history: Counter[str], year: list[str]
              ) -> list[tuple[str, str, int]]:
        """(kind, target, blocks short) of each minimum binding this level, given the
        history and the year so far."""
        found = []
        for lv, kind, target, low in BOARD_MINIMUMS:
            if lv != level:
                continue
            codes = self.codes_of(kind, target)
            done = sum(history[c] for c in codes) + sum(c in codes for c in year)
            if done < low:
                found.append((kind, target, low - done))
        return found

    def year(self, level: str, track: str, history: Counter[str]) -> list[str]:
        rng, B = self.rng, self.B
        k = BOARD_LEVELS.index(level) + 1
        if track == "PRELIM":
            year = ["NIGHT", "SICU", "ACS", "VASC", "ENDO", "TRAUMA"]
            return year + [self.filler(level) for _ in range(B - len(year))]
        fixed = ["NIGHT"] if k <= 3 else []
        fixed += ["SICU", "ACS"] if k == 1 else []
        if k == 5:
            chief = B - 4
            u = rng.randint(chief // 2, chief - 1)
            fixed += ["CHIEF-U"] * u + ["CHIEF-C"] * (chief - u)
        # a history short of more than the year can give was, in truth, fuller (one block
        # is kept free, for a prerequisite)
        while True:
            short = self.needs(level, history, fixed)
            if sum(n for _, _, n in short) < B - len(fixed):
                break
            kind, target, _ = rng.choice([s for s in short if s[1] != "CORE"] or short)
            code = rng.choice([c for c in self.codes_of(kind, target)
                               if self.eligible(c, BOARD_LEVELS[k - 2])])
            spare = max((c for c in BOARD_FILL if history[c] > 0), key=lambda c: history[c])
            history[code] += 1
            history[spare] -= 1
        year = list(fixed)
        while short := self.needs(level, history, year):
            kind, target, _ = short[0]
            options = [c for c in self.codes_of(kind, target) if self.eligible(c, level)
                       and (c not in self.members["SUBSPEC"] or year.count(c) < SUBSPEC_MAX)]
            year.append(rng.choice([c for c in options if c in BOARD_FILL] or options))
        kept = len(year)   # blocks the year cannot do without
        if k in (3, 4) and len(year) < B and history["RES"] + year.count("RES") < 2 \
                and rng.random() < 0.25:
            year.append("RES")
        for code in BOARD_TYPICAL[k]:
            if len(year) < B and rng.random() < 0.8 and self.eligible(code, level) \
                    and year.count(code) < (SUBSPEC_MAX if code != "SICU" else 2):
                year.append(code)
        while len(year) < B:
            year.append(self.filler(level))
        # a block on a rotation whose prerequisite is neither done nor planned gets it, in
        # place of an optional block (another one first, else the optional target itself)
        for target, requires, _ in BOARD_PREREQUISITES:
            if target not in year or requires in year or history[requires]:
                continue
            spots = sorted(range(kept, B), key=lambda i: (year[i] == target, -i))
            for i in spots:
                trial = year[:i] + [requires] + year[i + 1:]
                if not self.needs(level, history, trial):
                    year = trial
                    break
            else:
                raise RuntimeError(f"no block left for {requires} before {target}")
        return year

    def order(self, row: list[str], history: Counter[str]) -> None:
        """Swap blocks until every hard prerequisite is met (a requirement moves earlier,
        its target later; no target is another rule's requirement)."""
        for _ in range(4 * len(BOARD_PREREQUISITES)):
            changed = False
            for target, requires, _ in BOARD_PREREQUISITES:
                if history[requires]:
                    continue
                on = [i for i, c in enumerate(row) if c == target]
                done = [i for i, c in enumerate(row) if c == requires]
                if on and done[0] > on[0]:
                    row[on[0]], row[done[0]] = row[done[0]], row[on[0]]
                    changed = True
            if not changed:
                return

    def build(self) -> Built:
        rng, B, cal = self.rng, self.B, self.cal
        cohorts = [(lv, "GS", 5) for lv in BOARD_LEVELS] + [("PGY1", "PRELIM", 3)]
        names = _Names(rng)
        people: list[dict[str, Any]] = []
        histories: dict[str, Counter[str]] = {}
        years: dict[str, list[str]] = {}
        for (level, track, _), n in zip(cohorts, _allocate(self.size, [w for *_, w in cohorts]),
                                        strict=True):
            for _ in range(n):
                rid, name = names.person()
                history = self.history(level, track)
                years[rid] = self.year(level, track, history)
                histories[rid] = history
                entry: dict[str, Any] = {"id": rid, "name": name, "level": level,
                                         "track": track}
                if +history:
                    entry["history"] = dict(sorted((+history).items()))
                people.append(entry)
        rows = _arrange(rng, years, B)
        for rid, row in rows.items():
            self.order(row, histories[rid])
        tracker = _Tracker(cal, {rid: list(row) for rid, row in rows.items()},
                           {x["code"]: x.get("vacation", True) for x in BOARD_ROTATIONS},
                           dict.fromkeys(BOARD_STAFFED, 1))
        tracker.place_vacations(rng, {r["id"]: VACATION_WEEKS for r in people})
        counts = _block_counts(rows, B)
        rotations = []
        for x in BOARD_ROTATIONS:
            low, high = min(counts[x["code"]]), max(counts[x["code"]])
            entry = copy.deepcopy(x)
            present = (max(1, round(0.6 * tracker.min_presence(x["code"])))
                       if x["code"] in BOARD_STAFFED and tracker.min_presence(x["code"]) else 0)
            entry["min"] = max(present, low - 1 - low // 6)
            entry["max"] = max(1, high + 1 + high // 10)
            if present:
                entry["min_present"] = present
            rotations.append(entry)
        rules: list[dict[str, Any]] = [
            {"kind": "prerequisite", "name": name, "rotation": target, "requires": requires}
            for target, requires, name in BOARD_PREREQUISITES]
        rules += [
            {"kind": "prerequisite", "name": "Trauma before pediatric surgery",
             "rotation": "PEDS", "requires": "TRAUMA", "hard": False, "weight": 2},
            {"kind": "max_consecutive", "name": "ICU at most 2 blocks in a row",
             "group": "ICU", "blocks": 2, "hard": False, "weight": 2},
        ]
        name = f"Benchmark boards, {self.size} residents ({self.calendar} calendar)"
        raw = {
            "format": 1,
            "program": _program_info(name, self.calendar, list(BOARD_LEVELS),
                                     list(BOARD_TRACKS)),
            "rotation": rotations,
            "resident": people,
            "requirement": self.requirements(),
            "rule": rules,
            "request": self.requests(people, rows, tracker),
        }
        return raw, tracker.rows()

    def requirements(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for level, kind, target, low in BOARD_MINIMUMS:
            what = "Board minimum" if level == "PGY5" else f"{level} milestone"
            blocks = f"{low} block{'s' if low > 1 else ''}"
            found.append({"name": f"{what}: {target} {blocks}", "levels": [level],
                          "tracks": ["GS"], kind: target, "min": low, "scope": "residency"})
        found += [
            {"name": "Research at most 2 blocks in the residency", "tracks": ["GS"],
             "group": "RESEARCH", "max": 2, "scope": "residency"},
            {"name": "Night float: one block a year", "levels": BOARD_LEVELS[:3],
             "rotation": "NIGHT", "exactly": 1},
            {"name": "Intern surgical ICU", "levels": ["PGY1"], "rotation": "SICU", "min": 1},
            {"name": "Chief year", "levels": ["PGY5"], "group": "CHIEF", "min": self.B - 4},
            {"name": "Preliminary residents: core surgery", "tracks": ["PRELIM"],
             "group": "CORE", "min": 6},
        ]
        found += [{"name": f"{code} at most {SUBSPEC_MAX} blocks a year", "rotation": code,
                   "max": SUBSPEC_MAX} for code in self.members["SUBSPEC"]]
        return found

    def requests(self, people, rows, tracker: _Tracker) -> list[dict[str, Any]]:
        rng, B = self.rng, self.B
        found: list[dict[str, Any]] = []
        for r in people:
            rid = r["id"]
            if rng.random() < 0.03:
                eligible = [x["code"] for x in BOARD_ROTATIONS
                            if _admits(x, r["level"], r["track"])]
                found.append(_hard_pin(rng, self.cal, rid, rows[rid], tracker.away[rid],
                                       eligible))
            if rng.random() < 0.2:
                found.append(_holiday_request(rng, rid))
            electives = [c for c in ("BREAST", "ENDO", "PEDS", "THOR", "TX")
                         if _admits(self.by_code[c], r["level"], r["track"])]
            if rng.random() < 0.15 and electives and r["level"] != "PGY5":
                # a spring elective (interviews, fellowship applications): few places
                found.append({"resident": rid, "kind": "assign",
                              "rotation": rng.choice(electives),
                              "blocks": [rng.randint(B - 4, B)], "weight": rng.choice([1, 2, 3])})
        return found


def boards(residents: int, calendar: str = "months", seed: int = 0) -> Built:
    """Few rotations, years forced by multi-year board minimums and prerequisites."""
    _check_size(residents, calendar)
    return _Boards(residents, calendar, seed).build()


# ---------------------------------------------------------------------------- tight

TIGHT_LEVELS = ["PGY1", "PGY2", "PGY3"]
PATHWAYS = [("ANES", "Anesthesiology"), ("NEUR", "Neurology"), ("DERM", "Dermatology"),
            ("RAD", "Radiology"), ("OPH", "Ophthalmology"), ("PMR", "Rehabilitation"),
            ("RONC", "Radiation Oncology"), ("PATH", "Pathology"), ("PSY", "Psychiatry"),
            ("URO", "Urology"), ("ENT", "Otolaryngology"), ("PLS", "Plastic Surgery")]
SHARED = [("EM", "Emergency Medicine"), ("WARDS", "Medicine Wards"),
          ("SURG", "General Surgery"), ("PEDS", "Pediatrics"),
          ("NEUROL", "Neurology Consults"), ("READ", "Reading Room"),
          ("PREOP", "Preoperative Clinic"), ("PALL", "Palliative Care"),
          ("GERI", "Geriatrics"), ("ID", "Infectious Diseases"), ("RENAL", "Nephrology"),
          ("ONC", "Medical Oncology")]
# Blocks a year per slot of a pathway: its own core, consult and ICU rotations, then its
# two shared rotations (the first shared with the pathway before it, the second after it).
TIGHT_PATTERN = {"months": [4, 3, 2, 2, 1], "4-week": [4, 3, 3, 2, 1]}


class _Tight:
    """Builds a `tight` program and its witness."""

    def __init__(self, residents: int, calendar: str, seed: int):
        self.size, self.calendar = residents, calendar
        self.rng = random.Random(f"tight:{residents}:{calendar}:{seed}")
        self.cal = Calendar(YEAR_START, calendar)
        self.B = self.cal.num_blocks

    def build(self) -> Built:
        rng, B, cal = self.rng, self.B, self.cal
        k = max(3, min(len(PATHWAYS), self.size // 40 + 2))
        pathways = PATHWAYS[:k]
        shared = SHARED[:k]
        rotations: list[dict[str, Any]] = []
        for track, title in pathways:
            rotations += [
                {"code": f"{track}-CORE", "name": f"{title} core", "groups": ["CORE"],
                 "tracks": [track]},
                {"code": f"{track}-CONS", "name": f"{title} consults", "groups": ["CONSULT"],
                 "tracks": [track]},
                {"code": f"{track}-ICU", "name": f"{title} intensive care", "groups": ["ICU"],
                 "tracks": [track], "vacation": False}]
        for i, (code, title) in enumerate(shared):
            rotations.append({"code": code, "name": title, "groups": ["SHARED"],
                              "tracks": [pathways[i][0], pathways[(i - 1) % k][0]]})
        names = _Names(rng)
        people: list[dict[str, Any]] = []
        rows: dict[str, list[str]] = {}
        plan: dict[str, list[tuple[str, int]]] = {}
        for t, ((track, _), n) in enumerate(zip(pathways, _allocate(self.size, [1] * k),
                                                strict=True)):
            codes = [f"{track}-CORE", f"{track}-CONS", f"{track}-ICU", shared[t][0],
                     shared[(t + 1) % k][0]]
            runs = list(zip(codes, TIGHT_PATTERN[self.calendar], strict=True))
            rng.shuffle(runs)
            plan[track] = runs
            pattern = [code for code, length in runs for _ in range(length)]
            base = rng.randrange(B)
            for i in range(n):
                rid, name = names.person()
                people.append({"id": rid, "name": name, "level": TIGHT_LEVELS[i % 3],
                               "track": track})
                offset = (base + (i * B) // n) % B
                rows[rid] = pattern[offset:] + pattern[:offset]
        counts = _block_counts(rows, B)
        staffed = {x["code"]: max(1, min(counts[x["code"]]) - 1) for x in rotations
                   if x["groups"][0] in ("CORE", "CONSULT")}
        tracker = _Tracker(cal, {rid: list(row) for rid, row in rows.items()},
                           {x["code"]: x.get("vacation", True) for x in rotations}, staffed)
        tracker.place_vacations(rng, {r["id"]: VACATION_WEEKS for r in people})
        for x in rotations:
            x["min"], x["max"] = min(counts[x["code"]]), max(counts[x["code"]])
            if x["code"] in staffed and (present := tracker.min_presence(x["code"])):
                x["min_present"] = present
        requirements = [
            {"name": f"{track}: {code} {length} blocks", "tracks": [track], "rotation": code,
             "exactly": length}
            for track, runs in plan.items() for code, length in runs]
        level_of = {r["id"]: r["level"] for r in people}
        rules: list[dict[str, Any]] = [
            {"kind": "min_consecutive", "name": "Core in runs of 3", "group": "CORE",
             "blocks": 3},
            {"kind": "min_consecutive", "name": "Consults in runs of 2", "group": "CONSULT",
             "blocks": 2},
            {"kind": "max_consecutive", "name": "Shared services at most 2 in a row",
             "group": "SHARED", "blocks": 2, "hard": False, "weight": 1},
        ]
        for track, title in pathways:
            seniors = [sum(1 for rid, row in rows.items() if row[b] == f"{track}-CORE"
                           and level_of[rid] != "PGY1") for b in range(B)]
            if min(seniors) >= 1:
                rules.append({"kind": "coverage", "name": f"A senior on {title} core",
                              "levels": TIGHT_LEVELS[1:], "rotation": f"{track}-CORE",
                              "min": 1})
        requests: list[dict[str, Any]] = []
        for r in people:
            rid = r["id"]
            eligible = [x["code"] for x in rotations if _admits(x, r["level"], r["track"])]
            if rng.random() < 0.08:
                requests.append(_hard_pin(rng, cal, rid, rows[rid], tracker.away[rid],
                                          eligible))
            if rng.random() < 0.5:
                requests.append(_holiday_request(rng, rid))
            if rng.random() < 0.3:
                requests.append({"resident": rid, "kind": "assign",
                                 "rotation": rng.choice(eligible),
                                 "blocks": [rng.randint(1, B)], "weight": _weight(rng)})
        name = f"Benchmark tight, {self.size} residents ({self.calendar} calendar)"
        raw = {
            "format": 1,
            "program": _program_info(name, self.calendar, list(TIGHT_LEVELS),
                                     [track for track, _ in pathways]),
            "rotation": rotations,
            "resident": people,
            "requirement": requirements,
            "rule": rules,
            "request": requests,
        }
        return raw, tracker.rows()


def tight(residents: int, calendar: str = "months", seed: int = 0) -> Built:
    """Track-bound residents, exact capacities and requirements: few schedules exist."""
    _check_size(residents, calendar)
    return _Tight(residents, calendar, seed).build()


# ---------------------------------------------------------------------------- format 2

def _observed(day: date) -> date:
    """A holiday falling on a weekend is observed on the Friday before or Monday after."""
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (n = -1: last) given weekday (0 = Monday) of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def holidays(cal: Calendar) -> list[date]:
    """The year's public holidays that fall on working days (US-style, observed)."""
    found = set()
    for year in (cal.year_start.year, cal.year_start.year + 1):
        found |= {
            _observed(date(year, 1, 1)), _nth_weekday(year, 1, 0, 3),
            _nth_weekday(year, 5, 0, -1), _observed(date(year, 6, 19)),
            _observed(date(year, 7, 4)), _nth_weekday(year, 9, 0, 1),
            _nth_weekday(year, 11, 3, 4), _nth_weekday(year, 11, 3, 4) + timedelta(days=1),
            _observed(date(year, 12, 25))}
    return sorted(d for d in found if cal.in_year(d) and d.weekday() < WORKING_WEEKDAYS)


def _free_code(taken: set[str], *choices: str) -> str:
    for code in choices:
        if code not in taken:
            return code
    k = 2
    while f"{choices[0]}{k}" in taken:
        k += 1
    return f"{choices[0]}{k}"


class _Format2:
    """Adds the format-2 features to a program and its witness (see with_format_2)."""

    def __init__(self, raw: dict[str, Any], rows: Rows, seed: int):
        loaded = load_program(raw)
        if loaded.program is None:
            raise ValueError(f"the program is not valid: {loaded.errors[:3]}")
        self.p = loaded.program
        self.raw = raw
        info = raw["program"]
        self.rng = random.Random(f"f2:{info['name']}:{seed}")
        self.holidays = holidays(Calendar(info["year_start"], info["calendar"]))
        self.cal = Calendar(info["year_start"], info["calendar"], frozenset(self.holidays))
        self.rot = {x["code"]: x for x in raw["rotation"]}
        self.people = {r["id"]: r for r in raw["resident"]}
        caps = {rid: r.get("max_vacation_weeks_per_block", info.get(
            "max_vacation_weeks_per_block", 1)) for rid, r in self.people.items()}
        self.tracker = _Tracker(
            self.cal, {rid: row["rotations"] for rid, row in rows.items()},
            {code: x.get("vacation", True) for code, x in self.rot.items()},
            {code: x.get("min_present", 0) for code, x in self.rot.items()}, caps)
        for rid, row in rows.items():
            for w in row.get("vacation_weeks", []):
                self.tracker.add_vacation(rid, w)
            for code, weeks in row.get("services", {}).items():
                for w in weeks:
                    self.tracker.add_service(rid, w, code)
        self.levels: list[str] = info["levels"]
        self.lowered: set[str] = set()   # rotations whose min_present had to give way

    def bound(self, entry: dict[str, Any]) -> list[str]:
        return [rid for rid, r in self.people.items() if _admits(entry, r["level"], r["track"])]

    def build(self) -> Built:
        raw, info = self.raw, self.raw["program"]
        raw["format"] = 2
        info["name"] += " with format-2 features"
        info["holidays"] = list(self.holidays)
        self.split()
        raw["blackout"] = self.blackouts()
        for code in sorted(self.lowered):
            self.rot[code].pop("min_present", None)
            if self.tracker.floor[code]:
                self.rot[code]["min_present"] = self.tracker.floor[code]
        self.leave()
        raw["service"] = [self.night_float()]
        raw["away_limit"] = self.away_limits()
        return raw, self.tracker.rows()

    # -- split blocks ------------------------------------------------------------------

    def split(self) -> None:
        """Two rotations that every rule treats alike (both in its target or neither)
        become `split`; a few residents without hard requests who do both this year share a
        block of each between them (X/Y in one, Y/X in the other): their requirement counts
        stay the same, and capacities widen where a half block's count moved."""
        p, rng, t = self.p, self.rng, self.tracker
        # every rule must see X and Y alike (both in its target, or neither), so that
        # coverage counts, runs and prerequisites stay as they were
        named: list[set[str]] = []
        for rule in p.rules:
            named.append(set(p.resolve(rule.target)))
            requires = getattr(rule, "requires", None)
            if requires:
                named.append(set(p.resolve(requires)))
        pinned = {request.resident for request in p.requests if request.hard}
        free = sorted(code for code, x in self.rot.items() if x.get("vacation", True))
        together: Counter[tuple[str, str]] = Counter()
        for rid, cells in t.cells.items():
            if rid in pinned:
                continue
            mine = sorted({a for a, b in cells if a == b} & set(free))
            together.update((x, y) for i, x in enumerate(mine) for y in mine[i + 1:]
                            if all((x in codes) == (y in codes) for codes in named))
        self.raw["program"]["split_blocks"] = True
        if not together:
            for code in (free or sorted(self.rot))[:2]:
                self.rot[code]["split"] = True
            return
        top = max(together.values())
        x, y = rng.choice(sorted(pair for pair, n in together.items() if n == top))
        self.rot[x]["split"] = self.rot[y]["split"] = True
        wanted = max(2, len(self.people) // 25)
        order = sorted(t.cells)
        rng.shuffle(order)
        for rid in order:
            if wanted == 0:
                break
            cells = t.cells[rid]
            on_x = [b + 1 for b, pair in enumerate(cells) if pair == (x, x)]
            on_y = [b + 1 for b, pair in enumerate(cells) if pair == (y, y)]
            if rid in pinned or not on_x or not on_y:
                continue
            bx, by = rng.choice(on_x), rng.choice(on_y)
            if t.set_cell(rid, bx, (x, y)):
                if t.set_cell(rid, by, (y, x)):
                    wanted -= 1
                else:
                    t.set_cell(rid, bx, x)
        counts = t.half_counts()
        for code in (x, y):
            entry = self.rot[code]
            entry["min"] = min(entry.get("min", 0), min(counts[code]))
            if entry.get("max") is not None:
                entry["max"] = max(entry["max"], max(counts[code]))

    # -- blackouts ---------------------------------------------------------------------

    def blackouts(self) -> list[dict[str, Any]]:
        """An R1 orientation and a board-exam fortnight; witness vacations inside them move
        (a hard vacation request naming a moved week moves with it)."""
        cal, info = self.cal, self.raw["program"]
        start = info["year_start"]
        exam = cal.weeks[min(32, cal.num_weeks - 2)]
        board_level = self.levels[-2] if len(self.levels) >= 4 else self.levels[-1]
        found = [
            {"name": f"{self.levels[0]} orientation", "levels": [self.levels[0]],
             "from": start, "to": start + timedelta(days=15)},
            {"name": "Board examination", "levels": [board_level], "from": exam.start,
             "to": exam.start + timedelta(days=11)},
        ]
        for blackout in found:
            weeks = set(cal.weeks_touching(blackout["from"], blackout["to"]))
            for rid in self.bound(blackout):
                self.tracker.barred.setdefault(rid, set()).update(weeks)
                for w in sorted(self.tracker.away[rid] & weeks):
                    self.move_vacation(rid, w)
        return found

    def move_vacation(self, rid: str, week: int) -> None:
        t = self.tracker
        t.remove_vacation(rid, week)
        new = t.pick_week(self.rng, rid)
        if new is None:
            # no week keeps every presence floor: the floors of that week give way
            new = t.pick_week(self.rng, rid, floors=False)
            if new is None:
                raise RuntimeError(f"cannot move {rid}'s vacation week {week} out of a "
                                   "blackout")
            t.add_vacation(rid, new)
            for b, h, _ in t.week_segs[new]:
                code = t.cells[rid][b - 1][h]
                t.floor[code] = min(t.floor.get(code, 0), t.present[code, new, b, h])
                self.lowered.add(code)
        else:
            t.add_vacation(rid, new)
        for request in self.raw["request"]:
            if request["resident"] == rid and request["kind"] == "vacation" \
                    and request.get("hard"):
                request["weeks"] = [_wednesday(self.cal, new)
                                    if self.cal.week_named_by(d) == week else d
                                    for d in request["weeks"]]

    # -- extended leave ----------------------------------------------------------------

    def leave(self) -> None:
        """A few residents take two more weeks (parental leave), up to two in a block."""
        rng, t = self.rng, self.tracker
        info = self.raw["program"]
        order = sorted(self.people)
        rng.shuffle(order)
        wanted = max(1, len(order) // 40)
        for rid in order:
            if wanted == 0:
                break
            r = self.people[rid]
            before = r.get("vacation_weeks", info.get("vacation_weeks", 0))
            if not t.away[rid] or "max_vacation_weeks_per_block" in r:
                continue
            t.caps[rid] = 2
            added: list[int] = []

            def next_to_vacation(w: int, rid: str = rid) -> float:
                return float(any(abs(w - v) == 1 for v in t.away[rid]))

            for _ in range(2):
                week = t.pick_week(rng, rid, prefer=next_to_vacation)
                if week is None:
                    break
                t.add_vacation(rid, week)
                added.append(week)
            if len(added) < 2:
                for week in added:
                    t.remove_vacation(rid, week)
                t.caps[rid] = 1
                continue
            r["vacation_weeks"] = before + 2
            r["max_vacation_weeks_per_block"] = 2
            wanted -= 1

    # -- night float -------------------------------------------------------------------

    def night_float(self) -> dict[str, Any]:
        """A weekly night-float service for the middle levels, never taking residents from
        rotations closed to vacation or from the most tightly staffed ones; stints of up to
        two weeks, a yearly cap, its weekly min/max around the witness's cover."""
        rng, t, p = self.rng, self.tracker, self.p
        taken = set(self.rot) | set(p.groups)
        code = _free_code(taken, "NF", "NIGHT-FLOAT", "NFLOAT")
        levels = self.levels[1:-1] if len(self.levels) >= 4 else self.levels[1:]
        closed = [c for c, x in self.rot.items() if not x.get("vacation", True)]
        staffed = sorted((c for c, x in self.rot.items() if x.get("min_present")),
                         key=lambda c: (-self.rot[c]["min_present"], c))
        not_from = closed + [c for c in staffed if c not in closed][:2]
        banned = set(not_from)
        eligible = self.bound({"levels": levels})
        per_week = max(1, round(0.05 * len(eligible)))
        cap = math.ceil(per_week * len(t.weeks) / max(1, len(eligible))) + 2
        served: Counter[str] = Counter()
        cover = []
        for w in t.weeks:
            def run(rid: str, w: int = w) -> int:
                n = 0
                while t.serving[rid].get(w - 1 - n) == code:
                    n += 1
                return n

            options = [rid for rid in eligible if served[rid] < cap and run(rid) < 2]
            options.sort(key=lambda rid: (run(rid) != 1, served[rid], rng.random()))
            chosen = 0
            for rid in options:
                if chosen == per_week:
                    break
                if t.can_serve(rid, w, banned):   # each one pulled lowers presence
                    t.add_service(rid, w, code)
                    served[rid] += 1
                    chosen += 1
            cover.append(chosen)
        self.raw["requirement"] += [
            {"name": f"Night float at most {cap} weeks a year", "levels": levels,
             "service": code, "max": cap},
            {"name": "Everyone does some night float", "levels": levels, "service": code,
             "min": 1, "hard": False, "weight": 2}]
        self.raw["rule"] += [
            {"kind": "max_consecutive", "name": "Night float at most 2 weeks in a row",
             "service": code, "blocks": 2},
            {"kind": "min_consecutive", "name": "Night float in two-week stints",
             "service": code, "blocks": 2, "hard": False, "weight": 1}]
        stints = [(rid, w) for rid in sorted(served) for w in sorted(t.serving[rid])]
        if stints:
            rid, w = rng.choice(stints)
            self.raw["request"].append({"resident": rid, "kind": "assign", "service": code,
                                        "weeks": [_wednesday(self.cal, w)], "hard": True})
        christmas = date(self.cal.year_start.year, 12, 24)
        for rid in rng.sample(eligible, min(len(eligible), max(1, len(eligible) // 10))):
            self.raw["request"].append({"resident": rid, "kind": "avoid", "service": code,
                                        "weeks": [christmas], "weight": _weight(rng)})
        return {"code": code, "name": "Night float", "min": min(cover),
                "max": max(cover) + 1, "levels": levels, "not_from": not_from}

    # -- away limits -------------------------------------------------------------------

    def away_limits(self) -> list[dict[str, Any]]:
        """At most the witness's busiest week away (hard); first-years one fewer (soft)."""
        t = self.tracker
        interns = set(self.bound({"levels": [self.levels[0]]}))
        everyone = max(t.away_total[w] for w in t.weeks)
        firsts = max(sum(w in t.away[rid] for rid in interns) for w in t.weeks)
        return [
            {"name": f"At most {everyone} away", "max": everyone},
            {"name": f"{self.levels[0]}s away at most {max(0, firsts - 1)}",
             "levels": [self.levels[0]], "max": max(0, firsts - 1), "hard": False,
             "weight": 2}]


def with_format_2(program: dict[str, Any], rows: Rows, seed: int = 0) -> Built:
    """The program with format-2 features added, and its witness adjusted to keep every new
    hard rule: holidays, a night-float service, blackouts, away limits, extended leave and
    split blocks (see _Format2). Neither argument is changed."""
    return _Format2(copy.deepcopy(program), copy.deepcopy(rows), seed).build()


# ---------------------------------------------------------------------------- registry

FAMILIES: dict[str, Family] = {
    "department": department,
    "sites": sites,
    "boards": boards,
    "tight": tight,
}


@functools.lru_cache(maxsize=8)
def _built(family: str, residents: int, calendar: str, seed: int, f2: bool) -> Built:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}")
    raw, rows = FAMILIES[family](residents, calendar, seed)
    if f2:
        raw, rows = with_format_2(raw, rows, seed)
    return raw, rows


def build(family: str, residents: int, calendar: str = "months", seed: int = 0,
          f2: bool = False) -> Built:
    """A family's program dict and its witness rows (fresh copies)."""
    return copy.deepcopy(_built(family, residents, calendar, seed, f2))


def program(family: str, residents: int, calendar: str = "months", seed: int = 0,
            f2: bool = False) -> dict[str, Any]:
    """A family's program dict (format 1, or format 2 with `f2`)."""
    return build(family, residents, calendar, seed, f2)[0]


def as_schedule(raw: dict[str, Any], rows: Rows) -> Schedule:
    """Witness rows as a schedule (status FEASIBLE) for the checker."""
    info = raw["program"]
    cal = Calendar(info["year_start"], info["calendar"], frozenset(info.get("holidays", [])))
    return Schedule(
        program=info["name"], status="FEASIBLE",
        blocks=[{"index": b.index, "start": b.start.isoformat(), "end": b.end.isoformat()}
                for b in cal.blocks],
        weeks=[{"index": w.index, "start": w.start.isoformat(), "end": w.end.isoformat()}
               for w in cal.weeks],
        residents={rid: Assignment([c if isinstance(c, str) else (c[0], c[1])
                                    for c in row["rotations"]],
                                   list(row.get("vacation_weeks", [])),
                                   {k: list(v) for k, v in row.get("services", {}).items()})
                   for rid, row in rows.items()})


def witness_schedule(family: str, residents: int, calendar: str = "months", seed: int = 0,
                     f2: bool = False) -> Schedule:
    """The schedule the family built its program around: it keeps every hard rule."""
    return as_schedule(*build(family, residents, calendar, seed, f2))


def witness_problems(family: str, residents: int, calendar: str = "months", seed: int = 0,
                     f2: bool = False) -> list[str]:
    """Invalid entries of the program, or hard rules its witness breaks (none: the program
    is valid and feasible)."""
    from solver import checker

    raw, rows = build(family, residents, calendar, seed, f2)
    loaded = load_program(raw)
    if loaded.program is None:
        return [f"{e.path}: {e.message}" for e in loaded.errors]
    report = checker.check(loaded.program, as_schedule(raw, rows))
    return [f"{f.source}: {f.message}" for f in report.errors + report.violations]


def shape(raw: dict[str, Any]) -> dict[str, int]:
    """Counts that describe a program's size."""
    cal = Calendar(raw["program"]["year_start"], raw["program"]["calendar"])
    return {"residents": len(raw["resident"]), "rotations": len(raw["rotation"]),
            "blocks": cal.num_blocks, "requirements": len(raw.get("requirement", [])),
            "rules": len(raw.get("rule", [])), "requests": len(raw.get("request", [])),
            "hard requests": sum(bool(r.get("hard")) for r in raw.get("request", [])),
            "services": len(raw.get("service", []))}


