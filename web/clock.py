"""The site's clock: today, and the moments things happened, in the time zone the program
works in (`TIMEZONE` in config.toml, an IANA name such as "America/New_York"; UTC when
unset). Call shifts and weeks are wall-clock times of that zone, so "today" (which weeks have
begun, which shifts stay when call is made again, which day a case may be logged for) is
that zone's today, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from scheduler.calendar import day_in_words

DEFAULT_ZONE = "UTC"


def zone_named(name: str) -> ZoneInfo:
    """The zone `name` stands for; ValueError saying what to write when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"TIMEZONE = {name!r} is not a time zone: write an IANA name such "
                         "as \"America/New_York\" or \"UTC\"") from exc


def zone() -> ZoneInfo:
    """The site's time zone (checked when the app starts)."""
    return zone_named(current_app.config.get("TIMEZONE") or DEFAULT_ZONE)


def now() -> datetime:
    """The wall-clock time in the site's zone, without a zone (as shifts are written)."""
    return datetime.now(zone()).replace(tzinfo=None)


def today() -> date:
    """Today in the site's zone."""
    return datetime.now(zone()).date()


def moment(value: datetime | None, seconds: bool = False) -> str:
    """When something happened, in the site's zone and naming it: 'Sun 6 Dec 2026, 18:50
    EST' (with `seconds`, '18:50:07 EST', as the audit log says it). A stored time without
    a zone is UTC, as the database keeps them."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    local = aware.astimezone(zone())
    clock_time = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{day_in_words(local.date(), weekday=True)}, {clock_time} {local.tzname()}"
