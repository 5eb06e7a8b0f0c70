"""A resident's year as an iCalendar file: one all-day event per block (the rotation, its
site) and one per vacation week. UIDs are built from the program, the resident and the block
or week, so a calendar subscribed to the feed updates those events in place when a new
version is published instead of piling up copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from scheduler import Program as ProgramYear
from scheduler.schedule import Assignment, stints

from ..call.services import shift_title


def resident_calendar(program_id: int, year: ProgramYear, resident_key: str,
                      assignment: Assignment | None, version: int | None,
                      calls: list[tuple[datetime, datetime, str, bool]] | None = None,
                      zone: ZoneInfo | None = None) -> bytes:
    """The .ics file of one resident's published year (empty before anything is published),
    with their call shifts from the published call schedule: (start, end, pool or service
    code, from home), in the program's local time: in `zone` (with its definition), or
    where none is given, as floating times (the same clock time in any zone)."""
    cal = Calendar()
    cal.add("prodid", "-//Residency scheduler//rotation schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    resident = year.resident_by_id.get(resident_key)
    who = resident.called if resident else resident_key
    cal.add("x-wr-calname", f"{year.info.name}: {who}")
    if assignment is None:
        return cal.to_ical()
    stamp = datetime.now(UTC).replace(microsecond=0)
    domain = f"program-{program_id}.residency"
    for stint in stints(year.calendar, assignment):
        code = stint.code
        rotation = year.rotation_by_code.get(code)
        event = Event()
        half = "" if stint.half is None else f"-{stint.half + 1}"
        event.add("uid", f"block-{stint.block}{half}.{resident_key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("sequence", version or 0)
        event.add("dtstart", stint.start)
        event.add("dtend", stint.end + timedelta(days=1))  # all-day: end is exclusive
        title = f"{code}: {rotation.name}" if rotation and rotation.name else code
        event.add("summary", title)
        if rotation and rotation.site:
            event.add("location", rotation.site)
        event.add("description", f"{stint.where.capitalize()} of the {year.info.name} year"
                                 f"{f' (version {version})' if version else ''}.")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    weeks = [("vacation", week, "Vacation") for week in assignment.vacation_weeks]
    for code, served in sorted(assignment.services.items()):
        service = year.service_by_code.get(code)
        title = service.name if service and service.name else code
        weeks += [(f"service-{code}", week, title) for week in served]
    for kind, week, title in weeks:
        if not 1 <= week <= year.calendar.num_weeks:
            continue  # a week the year does not have (a hand-made file): nothing to show
        # A whole Monday-to-Sunday week away from the block rotation.
        event = Event()
        event.add("uid", f"{kind}-week-{week}.{resident_key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("sequence", version or 0)
        event.add("dtstart", year.calendar.week_start(week))
        event.add("dtend", year.calendar.week_end(week) + timedelta(days=1))
        event.add("summary", title)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    pools = {pool.code: pool for pool in year.call_pools}
    for start, end, code, at_home in calls or []:
        pool = pools.get(code)
        service = year.service_by_code.get(code)
        name = (pool.name if pool and pool.name else None) or \
            (service.name if service and service.name else None) or code
        event = Event()
        event.add("uid", f"call-{code}-{start:%Y%m%dT%H%M}.{resident_key}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start.replace(tzinfo=zone))
        event.add("dtend", end.replace(tzinfo=zone))
        event.add("summary", shift_title(name, at_home))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    if zone is not None and calls:
        cal.add_missing_timezones()
    return cal.to_ical()
