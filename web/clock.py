"""The site's clock: today, and the moments things happened, in the time zone the program
works in: the program's own (`Program.time_zone`, chosen on its settings page), else the
installation's (`TIMEZONE` in config.toml, an IANA name such as "America/New_York"; UTC when
unset). Call shifts and weeks are wall-clock times of that zone, so "today" (which weeks have
begun, which shifts stay when call is made again, which day a case may be logged for) is
that zone's today, not the server's. A page of a program (`access.program_page`, the API)
reads the program its access check resolved; work outside a request (a call job) names its
program."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, g, has_app_context

from scheduler.calendar import day_in_words

DEFAULT_ZONE = "UTC"


def zone_named(name: str) -> ZoneInfo:
    """The zone `name` stands for; ValueError saying what to write when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"TIMEZONE = {name!r} is not a time zone: write an IANA name such "
                         "as \"America/New_York\" or \"UTC\"") from exc


def zone(program: Any = None) -> ZoneInfo:
    """The time zone of `program` (a Program), else of the program this request's access
    check resolved, else the installation's (checked when the app starts). A program's
    zone is one of `zone_choices` when it is chosen."""
    if program is None and has_app_context():
        program = g.get("program")
    return zone_named(getattr(program, "time_zone", None) or installation_zone())


def zone_is_set(program: Any) -> bool:
    """Whether the program's zone was chosen, by the program (any zone, UTC too) or the
    installation: the installation's UTC, its default, is taken as not chosen (a calendar
    feed then gives call shifts as floating clock times, which read right in whatever zone
    the program works in)."""
    return bool(getattr(program, "time_zone", None)) or installation_zone() != DEFAULT_ZONE


def installation_zone() -> str:
    """The installation's zone name (`TIMEZONE`), every program's unless it chose its own."""
    return str(current_app.config.get("TIMEZONE") or DEFAULT_ZONE)


# The IANA areas of real places' zones; the others ("US/Eastern", "Etc/GMT+5" with its
# sign reversed, "Factory", "localtime") are old aliases or not places at all.
_AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
          "Indian", "Pacific")


def zone_choices() -> dict[str, list[tuple[str, str]]]:
    """The zones a program may choose, as a select list's groups: first the installation's
    (the value '') and UTC, then each area's places by city ("Chicago", value
    "America/Chicago"), so that typing a city's first letters in the list finds it."""
    own = installation_zone()
    return {"Everywhere": [("", f"The installation's ({own.replace('_', ' ')})"),
                           ("UTC", "UTC")], **_places()}


@cache
def _places() -> dict[str, list[tuple[str, str]]]:
    """Each area's zones by place, read once from the machine's zone database (it walks
    its files)."""
    by_area: dict[str, list[tuple[str, str]]] = {}
    for name in available_timezones():
        area, _, place = name.partition("/")
        if area in _AREAS and place:
            by_area.setdefault(area, []).append((name, place.replace("_", " ")
                                                 .replace("/", ", ")))
    return {area: sorted(by_area[area], key=lambda choice: choice[1])
            for area in sorted(by_area)}


def now(program: Any = None) -> datetime:
    """The wall-clock time in the program's zone (`zone`), without a zone (as shifts are
    written)."""
    return datetime.now(zone(program)).replace(tzinfo=None)


def today(program: Any = None) -> date:
    """Today in the program's zone (`zone`)."""
    return datetime.now(zone(program)).date()


def moment(value: datetime | None, seconds: bool = False, program: Any = None) -> str:
    """When something happened, in the program's zone (`zone`: `program`'s, else this
    request's) and naming it: 'Sun 6 Dec 2026, 18:50 EST' (with `seconds`, '18:50:07 EST',
    as the audit log says it). A stored time without a zone is UTC, as the database keeps
    them."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    local = aware.astimezone(zone(program))
    clock_time = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{day_in_words(local.date(), weekday=True)}, {clock_time} {local.tzname()}"
