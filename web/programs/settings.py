"""The program's year settings (the program file's [program] table), and the time zone it
works in. Both are audited (`settings_audit`): the settings decide every schedule the
program makes, the zone its "today" and every time its pages show."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

from .. import audit, clock, settings_audit
from ..entries import Outcome, format_counts, save_entry, split_list, text
from ..models import Program
from ..program_file import name_taken


def form_values(program: Program) -> SimpleNamespace:
    """The settings as the settings form shows them (lists as comma-separated text, the
    holidays one a line)."""
    return SimpleNamespace(
        name=program.name, year_start=program.year_start, calendar=program.calendar,
        levels=", ".join(program.levels), tracks=", ".join(program.tracks),
        vacation_weeks=program.vacation_weeks,
        max_vacation_weeks_per_block=program.max_vacation_weeks_per_block,
        change_weight=program.change_weight,
        final_level=format_counts(program.final_level or {}),
        holidays="\n".join(program.holidays or []),   # one a line, in their own box
        split_blocks=bool(program.split_blocks), time_zone=program.time_zone or "")


def parse_final_levels(value: str) -> dict[str, str]:
    """'DR = R4, ESIR = R4' -> {'DR': 'R4', 'ESIR': 'R4'}; ValueError saying what is wrong."""
    found: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", value))):
        track, sep, level = (s.strip() for s in part.partition("="))
        if not sep or not track or not level:
            raise ValueError(f"'{part}' is not TRACK = LEVEL")
        if track in found:
            raise ValueError(f"{track} is given twice ({found[track]} and {level}): "
                             f"give each track once")
        found[track] = level
    return found


def parse_holidays(value: str, kept: Iterable[str] = ()) -> list[str]:
    """Dates, comma- or line-separated, as sorted ISO text; ValueError naming every bad
    one. A weekend date not among `kept` (the holidays already set, say from an imported
    file) is refused too: it would change no working day, and the day off is then the
    weekday it is observed on (4 July 2027, a Sunday: Monday 5 July)."""
    days, bad, weekend = set(), [], []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]+", value))):
        try:
            day = date.fromisoformat(part)
        except ValueError:
            bad.append(f"'{part}'")
            continue
        if day.weekday() >= 5 and day.isoformat() not in kept:
            weekend.append(f"{part} is a {day:%A}")
        days.add(day)
    if bad:
        raise ValueError(f"{', '.join(bad)} {'is not a date' if len(bad) == 1 else 'are not dates'}"
                         " such as 2027-11-25 (one date a line, without a name)")
    if weekend:
        raise ValueError(f"{'; '.join(weekend)}: a holiday on a weekend changes no working day; "
                         "give the weekday it is observed on")
    return [day.isoformat() for day in sorted(days)]


def zone_in_words(name: str | None) -> str:
    """A program's time zone as the audit log says it: its IANA name, or, where it chose none,
    "the installation's (America/New_York)"."""
    return name or f"the installation's ({clock.installation_zone()})"


def save(program: Program, data: dict[str, Any], user: Any) -> Outcome:
    """Change the year settings, if the program stays valid (a level still used by a resident
    cannot be dropped, a name cannot be another program's). What changed is audited, as
    `user` chose it: the settings that changed, each from what to what, and the time zone,
    the zone it was and the zone it is."""
    name = text(data, "name")
    try:
        final_level = parse_final_levels(text(data, "final_level"))
    except ValueError as exc:
        return Outcome(field_errors={"final_level": [str(exc)]})
    try:
        holidays = parse_holidays(text(data, "holidays"), program.holidays or [])
    except ValueError as exc:
        return Outcome(field_errors={"holidays": [str(exc)]})
    taken = name_taken(name, program)
    if taken is not None:
        return Outcome(field_errors={"name": [
            f"another program is already called '{taken}' (names are compared ignoring case "
            "and spacing)"]})

    def change(row: Program) -> None:
        row.name = name
        row.year_start = data["year_start"]
        row.calendar = data["calendar"]
        row.levels = split_list(text(data, "levels"))
        row.tracks = split_list(text(data, "tracks"))
        for key in ("vacation_weeks", "max_vacation_weeks_per_block", "change_weight"):
            setattr(row, key, data[key])
        row.final_level = final_level
        row.holidays = holidays
        row.split_blocks = bool(data.get("split_blocks"))
        row.time_zone = text(data, "time_zone") or None

    was, settings_were = program.time_zone, settings_audit.settings(program)
    outcome = save_entry(program, "program", program, [program], change)
    if outcome.ok:
        settings_audit.record(program, settings_were, user)
    if outcome.ok and program.time_zone != was:
        audit.record("time_zone.changed", program=program, actor=user,
                     subject=f"from {zone_in_words(was)} to {zone_in_words(program.time_zone)}",
                     was=was or "", time_zone=program.time_zone or "")
    return outcome
