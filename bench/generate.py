"""Realistic benchmark programs: a multi-site radiology department of 20 to 500 residents.

`generate(residents, calendar, seed)` returns a program-file dict (format 1) for one academic
year of an integrated IR/DR + DR + ESIR department: levels R1-R5, DR subspecialty services, IR
at the University, the VA and a community hospital (and a second community campus at the
largest size), surgical ICU, surgical oncology, research, nuclear medicine and breast imaging.
Larger departments add community-site copies of the busiest DR services; the 4-week calendar
adds night float, body MRI, head & neck, fluoroscopy, interventional oncology, IR clinic and
pediatric IR. Rotation counts at 125 residents: 20 (months) and 27 (4-week).

Every generated program is feasible by construction. The generator first builds a *witness*:
a full schedule (rotations and vacation weeks) that meets every hard entry it is about to
write. Each resident's year is a template for their level and track (Duke's R4 IR year: 5 IR,
1 SICU, 1 surgical oncology, 1 research, 4 DR; R5 IR: all IR; R1-R3 mostly DR), spread over the
blocks so that every rotation's load stays even. Rotation `min`/`max` are then set around the
witness's loads, `min_present` below them (vacations placed so that presence holds), hard
coverage only where the witness covers every block, and hard requests are taken from the
witness. `witness(...)` returns that schedule, so a test can check it with the independent
checker. Soft requests (holiday weeks, assign and avoid wishes) compete with one another and
with the soft rules, which gives the objective something to do.

All names are made up from syllables; no real people.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from scheduler.calendar import Calendar

SIZES = (20, 50, 125, 250, 500)
CALENDARS = ("months", "4-week")
YEAR_START = date(2027, 7, 1)
LEVELS = ["R1", "R2", "R3", "R4", "R5"]
TRACKS = ["IR", "DR", "ESIR"]
VACATION_WEEKS = 4
PRESENT = 0.5      # min_present = this share of a staffed service's quietest witness block
SLACK = 0.25       # max = the witness's busiest block plus this share (teaching capacity)
HOLIDAY_P = 0.8    # share of residents asking for a holiday week

# Residents per (level, track), relative: 3 integrated IR a year (R1-R5), 8 DR a year of whom
# 3 switch to ESIR in R3. 47 in all, close to Duke's department.
COHORTS = [
    ("R1", "IR", 3), ("R1", "DR", 8),
    ("R2", "IR", 3), ("R2", "DR", 8),
    ("R3", "IR", 3), ("R3", "DR", 5), ("R3", "ESIR", 3),
    ("R4", "IR", 3), ("R4", "DR", 5), ("R4", "ESIR", 3),
    ("R5", "IR", 3),
]

DR_LEVELS = ["R1", "R2", "R3", "R4"]
SENIOR_DR = ["R2", "R3", "R4"]
IR_TRACKS = ["IR", "ESIR"]


@dataclass(frozen=True)
class Service:
    """A rotation in the catalogue, with when it is offered and how busy it is."""

    code: str
    name: str
    groups: tuple[str, ...]
    site: str
    levels: tuple[str, ...] | None = None
    tracks: tuple[str, ...] | None = None
    vacation: bool = True
    weight: float = 1.0          # relative share of the DR months drawn on it
    staffed: bool = False        # gets min_present (a reading room or IR suite never empty)
    four_week_only: bool = False
    min_size: int = 0            # offered from this department size up


def _dr(code, name, site="University", levels=DR_LEVELS, weight=1.0, groups=(), **kw) -> Service:
    return Service(code, name, ("DR", *groups), site, tuple(levels), None, weight=weight, **kw)


CATALOGUE: list[Service] = [
    _dr("CT", "Cardiothoracic Imaging", weight=3, staffed=True),
    _dr("NEURO", "Neuroradiology", weight=3, staffed=True),
    _dr("ABD", "Abdominal Imaging (CT/MR)", weight=3, staffed=True),
    _dr("MAMMO", "Breast Imaging / Mammography", "Breast Center", SENIOR_DR, 2, ("BREAST",)),
    _dr("PEDS", "Pediatric Radiology", "Children's Hospital", weight=1.5),
    _dr("MSK", "Musculoskeletal Imaging", "Orthopaedic Center", weight=2),
    _dr("NUC", "Nuclear Medicine", weight=2, groups=("NM",)),
    _dr("PET", "PET/CT and Molecular Imaging", levels=SENIOR_DR, weight=1, groups=("NM",)),
    _dr("ER", "Emergency Radiology", weight=2, staffed=True),
    _dr("US", "Ultrasound", "Community Hospital", weight=2, staffed=True),
    _dr("VA-DR", "General Diagnostic - VA", "VA Medical Center", weight=1.5),
    _dr("CARDIAC", "Cardiac CT/MR", levels=["R3", "R4"], weight=0.7, min_size=40),
    _dr("NF", "Night Float", levels=SENIOR_DR, weight=2, staffed=True, four_week_only=True),
    _dr("MR", "Body MRI", levels=SENIOR_DR, weight=1.5, four_week_only=True),
    _dr("HN", "Head and Neck Imaging", levels=SENIOR_DR, weight=1, four_week_only=True,
        min_size=40),
    _dr("FLUORO", "Fluoroscopy", levels=["R1", "R2"], weight=1, four_week_only=True),
    # community-site copies of the busiest services in the larger departments
    _dr("CT-C", "Cardiothoracic Imaging - Community", "Community Hospital", weight=2,
        staffed=True, min_size=200),
    _dr("ABD-C", "Abdominal Imaging - Community", "Community Hospital", weight=2,
        staffed=True, min_size=200),
    _dr("NEURO-C", "Neuroradiology - Community", "Community Hospital", weight=2,
        staffed=True, min_size=200),
    _dr("ER-C", "Emergency Radiology - Community", "Community Hospital", weight=1.5,
        staffed=True, min_size=200),
    _dr("MSK-VA", "Musculoskeletal Imaging - VA", "VA Medical Center", weight=1, min_size=400),
    _dr("US-VA", "Ultrasound - VA", "VA Medical Center", weight=1, min_size=400),
    _dr("NUC-VA", "Nuclear Medicine - VA", "VA Medical Center", weight=1, groups=("NM",),
        min_size=400),
    _dr("PEDS-N", "Pediatric Radiology - North Campus", "North Campus", weight=1, min_size=400),
    # interventional radiology
    Service("IR-U", "Interventional Radiology - University", ("IR", "IR-CLIN"), "University",
            staffed=True),
    Service("IR-VA", "Interventional Radiology - VA", ("IR", "IR-CLIN"), "VA Medical Center",
            ("R2", "R3", "R4", "R5"), staffed=True),
    Service("IR-COMM", "Interventional Radiology - Community Hospital", ("IR", "IR-CLIN"),
            "Community Hospital", ("R3", "R4", "R5"), tuple(IR_TRACKS), staffed=True),
    Service("IR-N", "Interventional Radiology - North Campus", ("IR", "IR-CLIN"),
            "North Campus", ("R3", "R4", "R5"), tuple(IR_TRACKS), staffed=True, min_size=400),
    Service("IO", "Interventional Oncology", ("IR", "IR-CLIN"), "Cancer Center",
            ("R4", "R5"), tuple(IR_TRACKS), four_week_only=True),
    Service("IR-CLINIC", "IR Outpatient Clinic", ("IR", "IR-CLIN"), "University",
            ("R4", "R5"), tuple(IR_TRACKS), four_week_only=True),
    Service("NIR", "Neurointerventional Radiology", ("IR",), "University", ("R5",), ("IR",),
            min_size=40),
    Service("IR-PEDS", "Pediatric Interventional Radiology", ("IR",), "Children's Hospital",
            ("R5",), ("IR",), four_week_only=True, min_size=40),
    Service("IR-RES", "IR Research", ("IR", "RESEARCH"), "University", ("R4",), ("IR",)),
    # clinical months and research
    Service("SICU", "Surgical Intensive Care", ("CLINICAL",), "University", ("R4",),
            tuple(IR_TRACKS), vacation=False),
    Service("SURG-ONC", "Surgical Oncology", ("CLINICAL",), "Cancer Center", ("R4",), ("IR",)),
    Service("DR-RES", "Diagnostic Radiology Research", ("RESEARCH",), "University",
            tuple(SENIOR_DR), ("DR", "ESIR")),
]

# Holiday weeks residents ask for (a date names the week that holds it), with how popular.
HOLIDAYS = [
    (date(2027, 11, 25), 0.25),   # Thanksgiving
    (date(2027, 12, 24), 0.35),   # Christmas
    (date(2027, 12, 31), 0.30),   # New Year
    (date(2028, 3, 16), 0.10),    # spring break
]

# Rotations residents ask for (electives) and ask to be spared (off-site, nights, ICU).
ELECTIVES = {"MAMMO", "CARDIAC", "PET", "NIR", "IR-RES", "DR-RES", "IO", "IR-PEDS", "MR", "HN"}
UNPOPULAR = {"IR-VA", "IR-COMM", "IR-N", "VA-DR", "US", "ER", "ER-C", "NF", "SICU", "CT-C",
             "ABD-C", "NEURO-C", "MSK-VA", "US-VA", "NUC-VA", "PEDS-N"}

_ONSETS = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
           "br", "ch", "dr", "sh", "st", "tr", ""]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei", "ou"]
_CODAS = ["", "", "", "", "n", "r", "l", "s", "m", "nd", "rt"]


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(_syllable(rng) for _ in range(syllables)).capitalize()


def _allocate(total: int) -> list[int]:
    """Residents per cohort: proportional to COHORTS' weights, at least one each."""
    weights = [w for _, _, w in COHORTS]
    if total < len(weights):
        raise ValueError(f"at least {len(weights)} residents (one per level and track)")
    spare = total - len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [1 + math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - math.floor(shares[i]),
                   reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def catalogue(residents: int, calendar: str) -> list[Service]:
    """The rotations a department of this size offers on this calendar."""
    return [s for s in CATALOGUE
            if residents >= s.min_size and (calendar == "4-week" or not s.four_week_only)]


def _admits(service: Service, level: str, track: str) -> bool:
    return ((service.levels is None or level in service.levels)
            and (service.tracks is None or track in service.tracks))


class _Builder:
    """Builds one program and its witness schedule."""

    def __init__(self, residents: int, calendar: str, seed: int):
        self.size = residents
        self.calendar_kind = calendar
        self.rng = random.Random(f"bench:{residents}:{calendar}:{seed}")
        self.cal = Calendar(YEAR_START, calendar)
        self.B = self.cal.num_blocks
        self.services = catalogue(residents, calendar)
        self.by_code = {s.code: s for s in self.services}
        # The witness takes vacation only in weeks lying wholly inside one block, so that
        # each of its vacation weeks is one block's business (presence, the per-block cap).
        self.weeks_of_block = {
            b: [w for w in weeks if self.cal.blocks_of_week(w) == [b]]
            for b, weeks in self.cal.weeks_of_block().items()}
        self.rows: dict[str, list[str]] = {}         # witness rotations
        self.away: dict[str, list[int]] = {}         # witness vacation weeks

    # ------------------------------------------------------------------ residents and years

    def codes(self, group: str, level: str, track: str) -> list[str]:
        return [s.code for s in self.services
                if group in s.groups and _admits(s, level, track)]

    def pick_dr(self, n: int, level: str, track: str, year: list[str]) -> list[str]:
        """n DR months on varied services, at most 3 on any one service in the year."""
        picked: list[str] = []
        options = [s for s in self.services if "DR" in s.groups and _admits(s, level, track)]
        for _ in range(n):
            counts = {s.code: (year + picked).count(s.code) for s in options}
            open_ = [s for s in options if counts[s.code] < 3]
            weights = [s.weight / (1 + 2 * counts[s.code]) for s in open_]
            picked.append(self.rng.choices(open_, weights)[0].code)
        return picked

    def spread(self, n: int, codes: list[str], weights: list[float]) -> list[str]:
        return self.rng.choices(codes, weights, k=n)

    def history(self, level: str, track: str) -> dict[str, int]:
        """Blocks done in earlier years (12 a year), keyed by code or group."""
        years = LEVELS.index(level)
        if years == 0:
            return {}
        rng = self.rng
        nm = {1: 1, 2: 1, 3: rng.choice([2, 3]), 4: rng.choice([4, 4, 5])}[years]
        breast = {1: 0, 2: 1, 3: rng.choice([2, 2, 3]), 4: rng.choice([3, 3, 4])}[years]
        pet = 1 if years >= 2 and nm >= 2 else 0
        ir = {"IR": [1, 2, 4, 10], "ESIR": [1, 1, rng.choice([4, 5]), 0],
              "DR": [0, 1, 1, 1]}[track][years - 1]
        found = {"NUC": nm - pet, "PET": pet, "MAMMO": breast}
        if track == "ESIR" and years >= 3:
            found.update({"IR-U": ir - 1, "IR-VA": 1})
        elif track == "IR" and years == 4:
            found.update({"IR-U": 6, "IR-VA": 2, "IR-COMM": 2, "SICU": 1, "SURG-ONC": 1,
                          "IR-RES": 1})
        elif ir:
            found["IR-U"] = ir
        if track != "IR" and years >= 3:
            found["DR-RES"] = 1
        found["DR"] = 12 * years - sum(found.values())
        return {k: v for k, v in found.items() if v > 0}

    def year(self, level: str, track: str, history: dict[str, int]) -> list[str]:
        """The witness year of one resident: a multiset of B rotation codes."""
        B, rng = self.B, self.rng
        year: list[str] = []

        def nm_and_breast(need_nm: int, need_breast: int) -> None:
            nm = [c for c in ("NUC", "PET", "NUC-VA") if c in self.by_code
                  and _admits(self.by_code[c], level, track)]
            year.extend(self.spread(need_nm, nm, [2, 1, 1][: len(nm)]))
            year.extend(["MAMMO"] * need_breast)

        nm_done = sum(history.get(k, 0) for k in ("NM", "NUC", "PET", "NUC-VA"))
        breast_done = history.get("MAMMO", 0) + history.get("BREAST", 0)
        abr_nm, abr_breast = max(0, 4 - nm_done), max(0, 3 - breast_done)
        if level == "R5":  # the IR year
            ir = self.codes("IR", level, track)
            base = {"IR-U": 5, "IR-VA": 2.5, "IR-COMM": 2, "IR-N": 1.5, "NIR": 0.6, "IO": 1,
                    "IR-CLINIC": 1, "IR-PEDS": 0.5}
            picks: list[str] = []
            while len(picks) < B:
                code = rng.choices(ir, [base.get(c, 1) for c in ir])[0]
                if code in ("NIR", "IR-PEDS") and picks.count(code) >= 2:
                    continue
                picks.append(code)
            return picks
        if level == "R4" and track == "IR":
            clin = self.codes("IR-CLIN", level, track)
            n_clin = 5 if B == 12 else 6
            year.extend(["IR-U"] * 2)
            year.extend(self.spread(n_clin - 2, clin, [3 if c == "IR-U" else 1 for c in clin]))
            year.extend(["SICU", "SURG-ONC", "IR-RES"])
            nm_and_breast(abr_nm, abr_breast)
            year.extend(self.pick_dr(B - len(year), level, track, year))
            return year
        if level == "R4" and track == "ESIR":
            ir_done = sum(history.get(k, 0) for k in ("IR-U", "IR-VA", "IR-COMM"))
            ir = self.codes("IR-CLIN", level, track)
            year.append("SICU")
            year.append("IR-U")
            year.extend(self.spread(max(0, 8 - ir_done) - 1, ir,
                                    [2 if c == "IR-U" else 1 for c in ir]))
            nm_and_breast(abr_nm, abr_breast)
            if len(year) + 7 <= B and rng.random() < 0.5:
                year.append("DR-RES")
            year.extend(self.pick_dr(B - len(year), level, track, year))
            return year
        # DR years: R1-R3 every track, R4 DR
        if level == "R4":
            nm_and_breast(abr_nm, abr_breast)
        elif level in ("R2", "R3"):
            nm_and_breast(1, 1 if level == "R3" or rng.random() < 0.5 else 0)
        elif rng.random() < 0.3:
            year.append("NUC")
        n_ir = {"IR": {"R1": 1, "R2": 1, "R3": 2}, "ESIR": {"R3": 2}}.get(track, {}).get(level)
        if n_ir is None:
            n_ir = 1 if rng.random() < 0.3 else 0
        ir = [c for c in ("IR-U", "IR-VA", "IR-COMM") if c in self.codes("IR", level, track)]
        if n_ir:
            year.append("IR-U")
            year.extend(self.spread(n_ir - 1, ir, [2] + [1] * (len(ir) - 1)))
        if track != "IR" and level != "R1" and n_ir <= 1 and rng.random() < 0.4:
            year.append("DR-RES")
        year.extend(self.pick_dr(B - len(year), level, track, year))
        return year

    def make_residents(self) -> list[tuple[dict[str, Any], list[str]]]:
        seen: set[str] = set()
        made = []
        for (level, track, _), count in zip(COHORTS, _allocate(self.size), strict=True):
            for _ in range(count):
                first = _name(self.rng, self.rng.choice([2, 2, 3]))
                last = _name(self.rng, self.rng.choice([2, 2, 2, 3]))
                rid = last.lower()
                k = 2
                while rid in seen:
                    rid = f"{last.lower()}-{k}"
                    k += 1
                seen.add(rid)
                entry: dict[str, Any] = {"id": rid, "name": f"{first} {last}", "level": level,
                                         "track": track}
                history = self.history(level, track)
                if history:
                    entry["history"] = history
                made.append((entry, self.year(level, track, history)))
        return made

    # ------------------------------------------------------------------ the witness

    def arrange(self, made) -> dict[str, dict[int, int]]:
        """Spread each resident's year over the blocks, keeping every rotation's load even."""
        B = self.B
        load: dict[str, dict[int, int]] = {s.code: dict.fromkeys(range(B), 0)
                                            for s in self.services}
        order = list(range(len(made)))
        self.rng.shuffle(order)
        for i in order:
            entry, year = made[i]
            items = list(year)
            free = set(range(B))
            row: list[str | None] = [None] * B
            while items:
                best = None
                for k, code in enumerate(items):
                    mean = sum(load[code].values()) / B
                    for b in free:
                        cost = (load[code][b] - mean, self.rng.random())
                        if best is None or cost < best[0]:
                            best = (cost, k, b)
                _, k, b = best
                code = items.pop(k)
                row[b] = code
                free.discard(b)
                load[code][b] += 1
            self.rows[entry["id"]] = [c for c in row if c is not None]
        return load

    def presence_levels(self, load) -> dict[str, int]:
        """min_present per staffed rotation, below the witness's lowest load."""
        levels = {}
        for s in self.services:
            if not s.staffed:
                continue
            low = min(load[s.code].values())
            levels[s.code] = low if low <= 1 else max(1, min(low - 1, round(PRESENT * low)))
        return levels

    def place_vacations(self, load, present: dict[str, int]) -> str | None:
        """Witness vacation weeks; returns a rotation code whose min_present blocked it."""
        rows, B = self.rows, self.B
        away_count = {(s.code, b): 0 for s in self.services for b in range(B)}
        choice: dict[str, list[int]] = {}
        rids = list(rows)
        self.rng.shuffle(rids)
        for rid in rids:
            slack = []
            for b, code in enumerate(rows[rid]):
                if not self.by_code[code].vacation:
                    continue
                m = present.get(code, 0)
                room = len(self.weeks_of_block[b + 1]) * (load[code][b] - m)
                if m and room < away_count[code, b] + 1:
                    continue
                spare = room - away_count[code, b] if m else 99
                slack.append((-spare, self.rng.random(), b))
            slack.sort()
            if len(slack) < VACATION_WEEKS:
                blocked = [rows[rid][b] for b in range(B) if rows[rid][b] in present]
                return max(sorted(set(blocked)), key=blocked.count) if blocked else "?"
            chosen = [b for _, _, b in slack[:VACATION_WEEKS]]
            for b in chosen:
                away_count[rows[rid][b], b] += 1
            choice[rid] = chosen
        # weeks: within a (rotation, block), spread the absences over the block's weeks
        absent: dict[tuple[str, int], int] = {}
        for rid in rids:
            weeks = []
            for b in choice[rid]:
                code = rows[rid][b]
                options = self.weeks_of_block[b + 1]
                w = min(options, key=lambda w, code=code: (absent.get((code, w), 0),
                                                           self.rng.random()))
                absent[code, w] = absent.get((code, w), 0) + 1
                weeks.append(w)
            self.away[rid] = sorted(weeks)
        return None

    # ------------------------------------------------------------------ the program file

    def rotations(self, load, present) -> list[dict[str, Any]]:
        found = []
        for s in self.services:
            low, high = min(load[s.code].values()), max(load[s.code].values())
            m = present.get(s.code, 0)
            entry: dict[str, Any] = {"code": s.code, "name": s.name, "groups": list(s.groups),
                                     "site": s.site}
            # teaching capacity: a quarter above the witness's busiest block (none for the
            # one- and two-resident services); staffing floor: 80% of its quietest block
            entry["min"] = max(m, round(0.8 * low))
            entry["max"] = max(1, high if high <= 2 else high + math.ceil(SLACK * high))
            if m:
                entry["min_present"] = m
            if s.levels is not None:
                entry["levels"] = list(s.levels)
            if s.tracks is not None:
                entry["tracks"] = list(s.tracks)
            if not s.vacation:
                entry["vacation"] = False
            found.append(entry)
        return found

    def requirements(self) -> list[dict[str, Any]]:
        B = self.B
        has = self.by_code.__contains__
        reqs: list[dict[str, Any]] = [
            {"name": "R1-R3 diagnostic core", "levels": ["R1", "R2", "R3"], "group": "DR",
             "min": B - 2},
            {"name": "R1-R3 IR cap", "levels": ["R1", "R2", "R3"], "group": "IR", "max": 2},
            {"name": "Integrated IR: IR every DR year", "levels": ["R1", "R2", "R3"],
             "tracks": ["IR"], "group": "IR", "min": 1},
            {"name": "ESIR R3 IR blocks", "levels": ["R3"], "tracks": ["ESIR"], "group": "IR",
             "min": 2, "hard": False, "weight": 4},
            {"name": "Nuclear exposure each R2/R3 year", "levels": ["R2", "R3"], "group": "NM",
             "min": 1, "hard": False, "weight": 2},
            {"name": "DR research at most 1 block a year", "levels": list(SENIOR_DR),
             "rotation": "DR-RES", "max": 1},
        ]
        for s in self.services:
            if "DR" in s.groups:
                reqs.append({"name": f"{s.code} at most 3 blocks a year", "levels": list(DR_LEVELS),
                             "rotation": s.code, "max": 3})
        reqs += [
            {"name": "R4 IR clinical IR", "levels": ["R4"], "tracks": ["IR"], "group": "IR-CLIN",
             "exactly": 5 if B == 12 else 6},
            {"name": "R4 IR surgical ICU", "levels": ["R4"], "tracks": ["IR"],
             "rotation": "SICU", "exactly": 1},
            {"name": "R4 IR surgical oncology", "levels": ["R4"], "tracks": ["IR"],
             "rotation": "SURG-ONC", "exactly": 1},
            {"name": "R4 IR research", "levels": ["R4"], "tracks": ["IR"],
             "rotation": "IR-RES", "exactly": 1},
            {"name": "R4 IR diagnostic blocks", "levels": ["R4"], "tracks": ["IR"],
             "group": "DR", "exactly": 4},
            {"name": "R5 IR year", "levels": ["R5"], "tracks": ["IR"], "group": "IR",
             "exactly": B},
        ]
        for code in ("NIR", "IR-PEDS"):
            if has(code):
                reqs.append({"name": f"R5 {code} elective at most 2 blocks", "levels": ["R5"],
                             "rotation": code, "max": 2})
        reqs += [
            {"name": "R4 DR diagnostic blocks", "levels": ["R4"], "tracks": ["DR"],
             "group": "DR", "min": B - 4},
            {"name": "R4 ESIR diagnostic blocks", "levels": ["R4"], "tracks": ["ESIR"],
             "group": "DR", "min": 6},
            {"name": "ESIR ICU block", "levels": ["R4"], "tracks": ["ESIR"], "rotation": "SICU",
             "exactly": 1},
            {"name": "ESIR: at least 8 IR rotations by the end of R4", "levels": ["R4"],
             "tracks": ["ESIR"], "group": "IR", "min": 8, "scope": "residency"},
            {"name": "ABR nuclear radiology (4 months)", "levels": ["R4", "R5"], "group": "NM",
             "min": 4, "scope": "residency"},
            {"name": "ABR breast imaging (3 months)", "levels": ["R4", "R5"], "group": "BREAST",
             "min": 3, "scope": "residency"},
            {"name": "ABR research limit (16 months)", "group": "RESEARCH", "max": 16,
             "scope": "residency"},
        ]
        return reqs

    def rules(self, residents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        level_of = {r["id"]: (r["level"], r["track"]) for r in residents}

        def witness_count(code: str, levels, tracks=None) -> list[int]:
            return [sum(row[b] == code for rid, row in self.rows.items()
                        if level_of[rid][0] in levels
                        and (tracks is None or level_of[rid][1] in tracks))
                    for b in range(self.B)]

        senior_ir = witness_count("IR-U", ["R4", "R5"], ["IR"])
        rules: list[dict[str, Any]] = [
            {"kind": "coverage", "name": "Senior IR resident on University IR",
             "levels": ["R4", "R5"], "tracks": ["IR"], "rotation": "IR-U", "min": 1}
            | ({} if min(senior_ir) >= 1 else {"hard": False, "weight": 4}),
            {"kind": "coverage", "name": "Senior in the emergency reading room",
             "levels": ["R3", "R4"], "rotation": "ER", "min": 1, "hard": False, "weight": 3},
            {"kind": "coverage", "name": "R1s on ER at most",
             "levels": ["R1"], "rotation": "ER",
             "max": max(1, max(witness_count("ER", ["R1"])) - 1), "hard": False, "weight": 1},
            {"kind": "max_consecutive", "name": "NUC at most 2 in a row", "rotation": "NUC",
             "blocks": 2, "hard": False, "weight": 2},
            {"kind": "max_consecutive", "name": "Breast at most 2 in a row", "rotation": "MAMMO",
             "blocks": 2, "hard": False, "weight": 2},
            {"kind": "max_consecutive", "name": "Neuro at most 3 in a row", "rotation": "NEURO",
             "blocks": 3, "hard": False, "weight": 1},
            {"kind": "max_consecutive", "name": "Research at most 3 in a row",
             "group": "RESEARCH", "blocks": 3},
            {"kind": "min_consecutive", "name": "VA IR in runs of 2", "rotation": "IR-VA",
             "blocks": 2, "hard": False, "weight": 3},
            {"kind": "prerequisite", "name": "University IR before VA IR", "rotation": "IR-VA",
             "requires": "IR-U", "hard": False, "weight": 2},
            {"kind": "prerequisite", "name": "University IR before community IR",
             "rotation": "IR-COMM", "requires": "IR-U", "hard": False, "weight": 2},
        ]
        return rules

    def requests(self, residents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng, B = self.rng, self.B
        found: list[dict[str, Any]] = []
        eligible = {r["id"]: [s for s in self.services if _admits(s, r["level"], r["track"])]
                    for r in residents}
        weight = lambda: rng.choice([1, 1, 2, 2, 3, 3, 4, 5])  # noqa: E731
        holiday = self.cal.block_of_day(HOLIDAYS[1][0])
        for r in residents:
            rid, row = r["id"], self.rows[r["id"]]
            roll = rng.random()
            if roll < 0.04:
                found.append(self.hard_request(r, eligible[rid]))
            if rng.random() < HOLIDAY_P:
                day = rng.choices([d for d, _ in HOLIDAYS], [p for _, p in HOLIDAYS])[0]
                found.append({"resident": rid, "kind": "vacation", "weeks": [day],
                              "weight": weight()})
            for _ in range(1 if rng.random() < 0.75 else 2):
                roll = rng.random()
                electives = [s.code for s in eligible[rid] if s.code in ELECTIVES]
                if roll < 0.4 and electives:
                    # an elective in the spring (boards, fellowship applications): popular
                    # blocks on small services, so these wishes compete
                    found.append({"resident": rid, "kind": "assign",
                                  "rotation": rng.choice(electives),
                                  "blocks": [rng.randint(B - 4, B - 1)], "weight": weight()})
                elif roll < 0.6:
                    # a given block on something they do this year anyway
                    found.append({"resident": rid, "kind": "assign", "rotation": rng.choice(row),
                                  "blocks": [rng.randint(1, B)], "weight": weight()})
                else:
                    # off-site or night services, in the summer or around the holidays
                    mine = [s.code for s in eligible[rid] if s.code in UNPOPULAR]
                    code = rng.choice(mine or [s.code for s in eligible[rid]])
                    start = rng.choice([1, 2, holiday - 1, holiday, holiday, rng.randint(1, B)])
                    span = rng.choice([1, 1, 2, 3])
                    blocks = list(range(start, min(B, start + span - 1) + 1))
                    found.append({"resident": rid, "kind": "avoid", "rotation": code,
                                  "blocks": blocks, "weight": weight()})
        return found

    def hard_request(self, r: dict[str, Any], eligible: list[Service]) -> dict[str, Any]:
        """Approved leave, a fixed block or a credentialing gap: true in the witness."""
        rng, rid = self.rng, r["id"]
        row = self.rows[rid]
        kind = rng.choice(["vacation", "assign", "avoid"])
        if kind == "vacation":
            week = rng.choice(self.away[rid])
            day = self.cal.week_start(week) + timedelta(days=rng.randint(0, 6))
            return {"resident": rid, "kind": "vacation", "weeks": [day], "hard": True}
        if kind == "assign":
            fixed = [b for b, c in enumerate(row) if c in ("SICU", "SURG-ONC", "IR-VA", "MAMMO")]
            b = rng.choice(fixed) if fixed else rng.randrange(self.B)
            return {"resident": rid, "kind": "assign", "rotation": row[b], "blocks": [b + 1],
                    "hard": True}
        unused = [s.code for s in eligible if s.code not in row]
        if not unused:
            return self.hard_request(r, eligible)
        return {"resident": rid, "kind": "avoid", "rotation": rng.choice(unused), "hard": True}

    def build(self) -> dict[str, Any]:
        made = self.make_residents()
        load = self.arrange(made)
        present = self.presence_levels(load)
        while (blocked := self.place_vacations(load, present)) is not None:
            if not present.get(blocked):
                raise RuntimeError("cannot place the witness's vacation weeks")
            present[blocked] = max(0, present.get(blocked, 0) - 1)
        residents = [entry for entry, _ in made]
        name = (f"Benchmark department, {self.size} residents ({self.calendar_kind} "
                f"calendar)")
        return {
            "format": 1,
            "program": {
                "name": name,
                "year_start": YEAR_START,
                "calendar": self.calendar_kind,
                "levels": list(LEVELS),
                "tracks": list(TRACKS),
                "vacation_weeks": VACATION_WEEKS,
                "max_vacation_weeks_per_block": 1,
                "change_weight": 1,
            },
            "rotation": self.rotations(load, present),
            "resident": residents,
            "requirement": self.requirements(),
            "rule": self.rules(residents),
            "request": self.requests(residents),
        }


def _build(residents: int, calendar: str, seed: int) -> _Builder:
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {', '.join(CALENDARS)}")
    builder = _Builder(residents, calendar, seed)
    builder.program = builder.build()
    return builder


def generate(residents: int, calendar: str = "months", seed: int = 0) -> dict[str, Any]:
    """A program-file dict (format 1): a department of `residents` on `calendar`."""
    return _build(residents, calendar, seed).program


def witness(residents: int, calendar: str = "months",
            seed: int = 0) -> tuple[dict[str, Any], dict[str, dict[str, list]]]:
    """The generated program and a schedule meeting all its hard entries:
    {resident id: {"rotations": [...], "vacation_weeks": [...]}}."""
    builder = _build(residents, calendar, seed)
    rows = {rid: {"rotations": row, "vacation_weeks": builder.away[rid]}
            for rid, row in builder.rows.items()}
    return builder.program, rows


def write_toml(program: dict[str, Any], path: str | Path) -> None:
    """Write a program dict as a program file (TOML)."""
    import tomli_w

    Path(path).write_text(tomli_w.dumps(program), encoding="utf-8")

