"""What the audit log keeps when a program's year settings change, on the settings page or
by an imported program file: which settings changed, each from what to what."""

from __future__ import annotations

from typing import Any

from scheduler.calendar import CALENDAR_NAMES

from . import audit
from .models import Program

# The year settings the audit log follows, in the order and words it names them.
SETTING_WORDS = {
    "name": "name", "year_start": "first day", "calendar": "blocks", "levels": "levels",
    "tracks": "tracks", "final_level": "final levels", "vacation_weeks": "vacation weeks",
    "max_vacation_weeks_per_block": "vacation weeks a block at most",
    "change_weight": "weight of a change", "split_blocks": "split blocks",
    "holidays": "holidays",
}


def settings(program: Program) -> dict[str, Any]:
    """The audited settings as the audit log keeps them (text, numbers, lists)."""
    return {
        "name": program.name,
        "year_start": program.year_start.isoformat() if program.year_start else "",
        "calendar": program.calendar, "levels": list(program.levels),
        "tracks": list(program.tracks), "final_level": dict(program.final_level or {}),
        "vacation_weeks": program.vacation_weeks,
        "max_vacation_weeks_per_block": program.max_vacation_weeks_per_block,
        "change_weight": program.change_weight, "split_blocks": bool(program.split_blocks),
        "holidays": sorted(program.holidays or []),   # an imported file's in its order
    }


def _in_words(key: str, value: Any) -> str:
    if key == "calendar":
        return CALENDAR_NAMES.get(value, str(value)).lower()
    if key == "split_blocks":
        return "allowed" if value else "not allowed"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


def changes_in_words(was: dict[str, Any], now: dict[str, Any]) -> str:
    """'vacation weeks from 3 to 2; holidays: 2027-11-26 added': each changed setting, in
    SETTING_WORDS' order; the holidays by what was added and what was removed."""
    parts = []
    for key, word in SETTING_WORDS.items():
        if was[key] == now[key]:
            continue
        if key == "holidays":
            added = [d for d in now[key] if d not in was[key]]
            removed = [d for d in was[key] if d not in now[key]]
            said = [f"{', '.join(added)} added"] if added else []
            said += [f"{', '.join(removed)} removed"] if removed else []
            parts.append(f"{word}: {'; '.join(said)}")
        else:
            parts.append(f"{word} from {_in_words(key, was[key])} "
                         f"to {_in_words(key, now[key])}")
    return "; ".join(parts)


def record(program: Program, were: dict[str, Any], user: Any, how: str = "") -> None:
    """Audit the change from the settings `were` (`settings`, taken before the change) to the
    program's settings now, as made by `user` (`how`, when not on the settings page: "by an
    imported program file"); nothing when none changed, or when the program had no year
    before (its first set-up). The detail keeps each changed setting's values, the holidays
    as the dates added and removed, each value cut to DETAIL_CHARACTERS."""
    now = settings(program)
    if now == were or not were["year_start"]:
        return
    changed = [key for key in SETTING_WORDS if were[key] != now[key]]
    words = changes_in_words(were, now)
    detail: dict[str, Any] = {"settings": changed}
    for key in changed:
        if key == "holidays":
            detail["holidays_added"] = [d for d in now[key] if d not in were[key]]
            detail["holidays_removed"] = [d for d in were[key] if d not in now[key]]
        else:
            detail[key] = {"was": _kept(were[key]), "now": _kept(now[key])}
    audit.record("settings.changed", program=program, actor=user,
                 subject=f"{how}: {words}" if how else words, **detail)


DETAIL_CHARACTERS = 2_000   # of one setting's value in the log (names have no length limit)


def _kept(value: Any) -> Any:
    """A setting's value as the log keeps it: as it is, or as text cut short, ending "…"."""
    text = str(value)
    return value if len(text) <= DETAIL_CHARACTERS else text[:DETAIL_CHARACTERS - 1] + "…"
