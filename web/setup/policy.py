"""Vacation policy and weekly services: blackouts, away limits and services, kept as the
program file has them, built from form data and checked by the engine's validator against
the whole program (as requirements and rules are, `entry_forms.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from scheduler.asking import span
from scheduler.program import admits

from .. import setup_audit
from ..choices import target_key, target_value
from ..entries import Outcome, case_clash, delete_entry, save_entry, split_list, text
from ..models import AwayLimit, Blackout, Program, Service, User
from ..program_file import next_position, solved_requests


def _filters_and_hardness(entry: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    for key in ("levels", "tracks"):
        if data.get(key):
            entry[key] = list(data[key])
    if "hard" in data and not data.get("hard"):
        entry["hard"] = False
    if data.get("weight") is not None:
        entry["weight"] = data["weight"]
    return entry


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def blackout_entry(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if text(data, "name"):
        entry["name"] = text(data, "name")
    entry["from"], entry["to"] = _iso(data.get("first")), _iso(data.get("last"))
    return _filters_and_hardness(entry, data)


def approved_vacation_in(program: Program, entry: dict[str, Any]) -> str | None:
    """The approved vacation a hard blackout would forbid, in words (None: none). An
    approved request is booked (hard): a hard blackout over one of its working days would
    leave the year without a schedule, which the chief would learn only when solving."""
    if entry.get("hard", True) is False or program.year_start is None:
        return None
    try:
        first, last = date.fromisoformat(entry["from"]), date.fromisoformat(entry["to"])
    except ValueError:
        return None   # the validator says what is wrong with the dates
    calendar = program.year_calendar
    touched = set(calendar.weeks_touching(first, last))   # weeks with a working day in it
    hit: list[str] = []
    for request in solved_requests(program):
        resident = request.resident
        if request.kind != "vacation" or request.status != "approved" \
                or not admits(entry.get("levels"), entry.get("tracks"), resident.level,
                              resident.track):
            continue
        inside = [w for w in request.weeks_in(calendar) if w in touched]
        if inside:
            hit.append(f"{resident.label}'s {', '.join(span(calendar, w) for w in inside)}")
    if not hit:
        return None
    shown = "; ".join(hit[:5]) + (f"; and {len(hit) - 5} more" if len(hit) > 5 else "")
    return (f"it covers approved vacation: {shown}. Approved vacation is booked: change or "
            "decline those requests first (Requests), or untick \"No vacation at all\" to "
            "discourage vacation here instead")


def away_limit_entry(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if text(data, "name"):
        entry["name"] = text(data, "name")
    entry["max"] = data.get("max") or 0
    if text(data, "target"):
        key, name = target_key(program, text(data, "target"))
        entry[key] = name
    return _filters_and_hardness(entry, data)


def parse_weeks(value: str) -> list[int]:
    """'10-12, 20' -> [10, 11, 12, 20]; raises ValueError saying what is wrong."""
    weeks: set[int] = set()
    for part in split_list(value.replace(",", " ")):
        first, sep, last = part.partition("-")
        if not re.fullmatch(r"[0-9]{1,3}", first) or (sep and not re.fullmatch(r"[0-9]{1,3}",
                                                                                last)):
            raise ValueError(f"'{part}' is not a week number or a range such as 10-12")
        low, high = int(first), int(last) if sep else int(first)
        if high < low or high - low > 60:
            raise ValueError(f"'{part}' is not a range of weeks")
        weeks.update(range(low, high + 1))
    return sorted(weeks)


def format_weeks(weeks: list[int] | None) -> str:
    from scheduler.words import ranges

    return ranges(weeks) if weeks else ""


def service_entry(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": text(data, "code")}
    if text(data, "name"):
        entry["name"] = text(data, "name")
    if data.get("min"):
        entry["min"] = data["min"]
    if data.get("max") is not None:
        entry["max"] = data["max"]
    for key in ("levels", "tracks", "not_from"):
        if data.get(key):
            entry[key] = list(data[key])
    if text(data, "weeks"):
        entry["weeks"] = parse_weeks(text(data, "weeks"))
        last = program.year_calendar.num_weeks if program.year_start else None
        outside = [w for w in entry["weeks"] if last is not None and not 1 <= w <= last]
        if outside:   # said once, not once per week (browser walk-through)
            one = len(outside) == 1
            raise ValueError(f"week{'' if one else 's'} {format_weeks(outside)} "
                             f"{'is' if one else 'are'} outside the year (1-{last})")
    return entry


@dataclass(frozen=True)
class Section:
    """One kept section of the program file as the set-up pages handle it."""

    name: str            # the file's section: blackout, away_limit, service
    title: str           # the list page's heading
    noun: str            # one entry, in words
    model: type[Any]
    rows: Callable[[Program], list[Any]]
    entry: Callable[[Program, dict[str, Any]], dict[str, Any]]
    field_names: dict[str, str]

    def save(self, program: Program, row: Any | None, data: dict[str, Any],
             actor: User | None = None) -> Outcome:
        """Create or change an entry, if the program stays valid (audited as done by
        `actor`)."""
        try:
            entry = self.entry(program, data)
        except ValueError as exc:
            return Outcome(field_errors={"weeks": [str(exc)]})
        clash = case_clash(program, entry["code"], row) if "code" in entry else None
        if clash is not None:
            return clash
        if self.name == "blackout" and (booked := approved_vacation_in(program, entry)):
            return Outcome(field_errors={"first": [booked]})
        row = row or self.model(position=next_position(self.model, program))

        def change(target: Any) -> None:
            target.entry = entry

        return setup_audit.saved(program, self.name, row, actor, lambda: save_entry(
            program, self.name, row, self.rows(program), change,
            field_names=self.field_names))

    def delete(self, program: Program, row: Any, actor: User | None = None) -> Outcome:
        return setup_audit.removed(program, self.name, row, actor, lambda: delete_entry(
            program, row, self.rows(program)))

    def form_data(self, program: Program, entry: dict[str, Any]) -> dict[str, Any]:
        """A stored entry as the form shows it."""
        shown = dict(entry)
        shown["hard"] = entry.get("hard", True)
        if self.name == "blackout":
            shown["first"] = date.fromisoformat(entry["from"])
            shown["last"] = date.fromisoformat(entry["to"])
        shown["target"] = target_value(program, entry)
        shown["weeks"] = format_weeks(entry.get("weeks"))
        return shown


SECTIONS = {
    "blackout": Section("blackout", "Blackouts", "blackout", Blackout,
                        lambda p: p.blackouts, blackout_entry,
                        {"from": "first", "to": "last"}),
    "away_limit": Section("away_limit", "Away limits", "away limit", AwayLimit,
                          lambda p: p.away_limits, away_limit_entry,
                          {"rotation": "target", "group": "target"}),
    "service": Section("service", "Weekly services", "weekly service", Service,
                       lambda p: p.services, service_entry, {}),
}
