"""Hypothesis strategies for program files: small valid programs using every feature of the
format (both calendars, bounds, presence, eligibility, vacation, requirements with history,
all rule and request kinds, hard and soft), and in about half of them format 2's: holidays,
per-resident caps, blackouts, away limits and weekly services with the requirements, rules
and requests that name them. Shared by the solver's property tests and the web app's
round-trip tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

LEVELS = ["R1", "R2", "R3"]
TRACKS = ["IR", "DR"]
GROUPS = ["G1", "G2"]
CODES = ["A", "B-1", "C_2", "D", "E"]
SERVICE_CODES = ["NF", "BK"]
WEEKS = 52
NO_CAP = 52  # a per-block vacation cap no block reaches: the cap is switched off

START = {
    "months": [date(2027, 7, 1), date(2028, 1, 1), date(2028, 2, 1)],
    "4-week": [date(2027, 7, 1), date(2027, 6, 28), date(2028, 2, 29)],
}


# -- the generator -----------------------------------------------------------------------------


def _subset(draw, items: list[str], allow_empty: bool = False) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(items), unique=True, max_size=len(items),
                           min_size=0 if allow_empty else 1))
    return [x for x in items if x in chosen]


def _maybe_filter(draw, items: list[str]) -> list[str] | None:
    """A `levels`/`tracks` filter: mostly absent, sometimes a subset, rarely empty."""
    kind = draw(st.sampled_from(["none"] * 12 + ["subset"] * 3 + ["empty"]))
    if kind == "none":
        return None
    if kind == "empty":
        return []
    return _subset(draw, items)


def _hardness(draw, entry: dict[str, Any], default_hard: bool) -> None:
    """Set `hard` (sometimes left to its default) and a weight where one is needed or allowed."""
    hard = draw(st.integers(0, 2)) == 0
    if hard != default_hard or draw(st.booleans()):
        entry["hard"] = hard
    if not hard or draw(st.integers(0, 3)) == 0:
        entry["weight"] = draw(st.integers(0, 6))


def _target(draw, entry: dict[str, Any], codes: list[str], groups: list[str]) -> None:
    if groups and draw(st.integers(0, 2)) == 0:
        entry["group"] = draw(st.sampled_from(groups))
    else:
        entry["rotation"] = draw(st.sampled_from(codes))


def _day(draw, year_start: date) -> date:
    return year_start + timedelta(days=draw(st.integers(0, 364)))


def _filters(draw, entry: dict[str, Any]) -> None:
    for key, items in (("levels", LEVELS), ("tracks", TRACKS)):
        allowed = _maybe_filter(draw, items)
        if allowed is not None:
            entry[key] = allowed


def _format_2(draw, raw: dict[str, Any], targets: list[str], groups: list[str]) -> None:
    """Format 2's keys on a drawn program: holidays, split blocks, caps, blackouts, away
    limits, services, and requirements, rules and requests naming the services."""
    info = raw["program"]
    year_start = info["year_start"]
    raw["format"] = 2
    if draw(st.booleans()):
        info["holidays"] = sorted({_day(draw, year_start) for _ in range(draw(st.integers(1, 4)))})
    if draw(st.integers(0, 3)) == 0:
        info["final_level"] = {"DR": "R3"}
    if draw(st.integers(0, 2)) == 0:
        info["split_blocks"] = True
        for rotation in raw["rotation"]:
            if draw(st.booleans()):
                rotation["split"] = True
    for resident in raw["resident"]:
        if draw(st.integers(0, 4)) == 0:
            resident["max_vacation_weeks_per_block"] = draw(st.integers(0, 3))
    blackouts = []
    # at most two, in the year's two halves: blackouts never overlap
    for half in range(draw(st.integers(0, 2))):
        first = year_start + timedelta(days=draw(st.integers(0, 150)) + 182 * half)
        blackout: dict[str, Any] = {"from": first,
                                    "to": first + timedelta(days=draw(st.integers(0, 30)))}
        if draw(st.booleans()):
            blackout["name"] = f"blackout {half}"
        _filters(draw, blackout)
        _hardness(draw, blackout, default_hard=True)
        blackouts.append(blackout)
    limits = []
    for _ in range(draw(st.integers(0, 2))):
        limit: dict[str, Any] = {"max": draw(st.integers(0, 2))}
        if draw(st.booleans()):
            _target(draw, limit, [t for t in targets if t not in groups], groups)
        _filters(draw, limit)
        _hardness(draw, limit, default_hard=True)
        limits.append(limit)
    services = []
    for code in SERVICE_CODES[:draw(st.integers(0, 2))]:
        service: dict[str, Any] = {"code": code}
        if draw(st.booleans()):
            service["name"] = f"Service {code}"
        low = draw(st.sampled_from([0, 0, 1]))
        if low:
            service["min"] = low
        if draw(st.booleans()):
            service["max"] = draw(st.integers(max(low, 1), 2))
        _filters(draw, service)
        if draw(st.integers(0, 2)) == 0:
            service["not_from"] = _subset(draw, targets)
        if draw(st.integers(0, 2)) == 0:
            service["weeks"] = sorted(set(draw(st.lists(st.integers(1, 51), min_size=1,
                                                        max_size=8))))
        services.append(service)
    codes = [s["code"] for s in services]
    if codes:
        for _ in range(draw(st.integers(0, 2))):
            requirement: dict[str, Any] = {"service": draw(st.sampled_from(codes))}
            low = draw(st.integers(0, 3))
            requirement["min"] = low
            if draw(st.booleans()):
                requirement["max"] = draw(st.integers(low, low + 4))
            _filters(draw, requirement)
            _hardness(draw, requirement, default_hard=True)
            raw.setdefault("requirement", []).append(requirement)
        for _ in range(draw(st.integers(0, 1))):
            rule: dict[str, Any] = {"kind": draw(st.sampled_from(["max_consecutive",
                                                                  "min_consecutive"])),
                                    "service": draw(st.sampled_from(codes)),
                                    "blocks": draw(st.integers(1, 3))}
            _hardness(draw, rule, default_hard=True)
            raw.setdefault("rule", []).append(rule)
        ids = [r["id"] for r in raw["resident"]]
        for _ in range(draw(st.integers(0, 2))):
            request: dict[str, Any] = {
                "resident": draw(st.sampled_from(ids)),
                "kind": draw(st.sampled_from(["assign", "avoid"])),
                "service": draw(st.sampled_from(codes)),
                "weeks": [_day(draw, year_start) for _ in range(draw(st.integers(1, 2)))]}
            hard = draw(st.integers(0, 3)) == 0
            if hard or draw(st.booleans()):
                request["hard"] = hard
            if draw(st.booleans()):
                request["weight"] = draw(st.integers(0, 6))
            raw.setdefault("request", []).append(request)
    for name, entries in (("blackout", blackouts), ("away_limit", limits),
                          ("service", services)):
        if entries:
            raw[name] = entries


@st.composite
def programs(draw, format_2: bool | None = None) -> dict[str, Any]:
    """A small valid program file, as the dict `tomllib` would return for it; with format
    2's keys in about half of them (always with `format_2=True`, never with False)."""
    calendar = draw(st.sampled_from(["months", "4-week"]))
    num_blocks = 12 if calendar == "months" else 13
    year_start = draw(st.sampled_from(START[calendar]))
    info: dict[str, Any] = {
        "name": "Property program",
        "year_start": year_start,
        "calendar": calendar,
        "levels": LEVELS,
        "tracks": TRACKS,
    }
    vacation_weeks = draw(st.integers(0, 3))
    if vacation_weeks or draw(st.booleans()):
        info["vacation_weeks"] = vacation_weeks
    cap = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3, None, None, None]))
    if cap is not None:
        info["max_vacation_weeks_per_block"] = cap
    if draw(st.booleans()):
        info["change_weight"] = draw(st.integers(0, 3))

    num_residents = draw(st.integers(2, 6))
    codes = CODES[:draw(st.integers(2, 5))]
    rotations = []
    spare = num_residents  # rotation minimums mostly fit the residents there are
    for code in codes:
        rotation: dict[str, Any] = {"code": code}
        groups = _subset(draw, GROUPS, allow_empty=True)
        if groups:
            rotation["groups"] = groups
        low = draw(st.sampled_from([0] * 8 + [1, 1, 2]))
        if draw(st.integers(0, 5)):
            low = min(low, max(spare, 0))
        if low:
            rotation["min"] = low
        high = None
        if draw(st.integers(0, 5)) == 0:
            high = draw(st.integers(max(low, 1), low + 3))
            rotation["max"] = high
        present = draw(st.sampled_from([0] * 10 + [1, 1, 2]))
        if high is not None:
            present = min(present, high)
        if draw(st.integers(0, 5)):
            present = min(present, max(spare - low, 0))
        if present:
            rotation["min_present"] = present
        spare -= max(low, present)
        for key, items in (("levels", LEVELS), ("tracks", TRACKS)):
            allowed = _maybe_filter(draw, items)
            if allowed is not None:
                rotation[key] = allowed
        if draw(st.integers(0, 6)) == 0:
            rotation["vacation"] = False
        elif draw(st.booleans()):
            rotation["vacation"] = True
        rotations.append(rotation)
    groups = [g for g in GROUPS if any(g in r.get("groups", []) for r in rotations)]
    targets = codes + groups

    residents = []
    for n in range(num_residents):
        resident: dict[str, Any] = {
            "id": f"res{n}",
            "level": draw(st.sampled_from(LEVELS)),
            "track": draw(st.sampled_from(TRACKS)),
        }
        if draw(st.integers(0, 3)) == 0:
            resident["name"] = f"Resident {n}"
        if draw(st.integers(0, 3)) == 0:
            resident["vacation_weeks"] = draw(st.integers(0, 3))
        history = draw(st.dictionaries(st.sampled_from(targets), st.integers(0, 2), max_size=2))
        if history:
            resident["history"] = history
        residents.append(resident)
    ids = [r["id"] for r in residents]

    requirements = []
    for n in range(draw(st.integers(0, 3))):
        requirement: dict[str, Any] = {}
        if draw(st.booleans()):
            requirement["name"] = f"requirement {n}"
        _target(draw, requirement, codes, groups)
        if draw(st.booleans()):
            requirement["exactly"] = draw(st.integers(0, 3))
        else:
            low = draw(st.one_of(st.none(), st.integers(0, 3)))
            high = draw(st.one_of(st.none(), st.integers(low or 0, (low or 0) + 6)))
            if low is None and high is None:
                low = 1
            if low is not None:
                requirement["min"] = low
            if high is not None:
                requirement["max"] = high
        if draw(st.booleans()):
            requirement["scope"] = draw(st.sampled_from(["year", "residency"]))
        for key, items in (("levels", LEVELS), ("tracks", TRACKS)):
            allowed = _maybe_filter(draw, items)
            if allowed is not None:
                requirement[key] = allowed
        _hardness(draw, requirement, default_hard=True)
        requirements.append(requirement)

    rules = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["coverage", "max_consecutive", "min_consecutive",
                                     "prerequisite"]))
        rule: dict[str, Any] = {"kind": kind}
        _target(draw, rule, codes, groups)
        if kind == "coverage":
            low = draw(st.one_of(st.none(), st.integers(0, 2)))
            high = draw(st.one_of(st.none(), st.integers(low or 0, (low or 0) + 3)))
            if low is None and high is None:
                high = draw(st.integers(0, 2))
            if low is not None:
                rule["min"] = low
            if high is not None:
                rule["max"] = high
            if draw(st.booleans()):
                rule["blocks"] = draw(st.lists(st.integers(1, num_blocks), max_size=4))
        elif kind in ("max_consecutive", "min_consecutive"):
            rule["blocks"] = draw(st.integers(1, 4))
        else:
            rule["requires"] = draw(st.sampled_from(targets))
        for key, items in (("levels", LEVELS), ("tracks", TRACKS)):
            allowed = _maybe_filter(draw, items)
            if allowed is not None:
                rule[key] = allowed
        _hardness(draw, rule, default_hard=True)
        rules.append(rule)

    requests = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["vacation", "assign", "avoid"]))
        request: dict[str, Any] = {"resident": draw(st.sampled_from(ids)), "kind": kind}
        if kind == "vacation":
            offsets = draw(st.lists(st.integers(0, 364), min_size=1, max_size=3))
            request["weeks"] = [year_start + timedelta(days=d) for d in offsets]
        else:
            _target(draw, request, codes, groups)
            blocks = st.lists(st.integers(1, num_blocks), min_size=1, max_size=3)
            if kind == "assign" or draw(st.booleans()):
                request["blocks"] = draw(blocks)
        hard = draw(st.integers(0, 3)) == 0
        if hard or draw(st.booleans()):
            request["hard"] = hard
        if draw(st.booleans()):
            request["weight"] = draw(st.integers(0, 6))
        requests.append(request)

    raw: dict[str, Any] = {"format": 1, "program": info, "rotation": rotations,
                           "resident": residents}
    for name, entries in (("requirement", requirements), ("rule", rules),
                          ("request", requests)):
        if entries:
            raw[name] = entries
    if format_2 if format_2 is not None else draw(st.booleans()):
        _format_2(draw, raw, targets, groups)
    return raw
