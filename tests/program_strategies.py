"""Hypothesis strategies for program files: small valid programs using every feature of the
format (both calendars, bounds, presence, eligibility, vacation, requirements with history,
all rule and request kinds, hard and soft). Shared by the solver's property tests and the web
app's round-trip tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

LEVELS = ["R1", "R2", "R3"]
TRACKS = ["IR", "DR"]
GROUPS = ["G1", "G2"]
CODES = ["A", "B-1", "C_2", "D", "E"]
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


@st.composite
def programs(draw) -> dict[str, Any]:
    """A small valid program file, as the dict `tomllib` would return for it."""
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
    return raw
