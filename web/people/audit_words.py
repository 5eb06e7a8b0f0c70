"""The audit log in words: each event's kind as people say it ('Case verified'), its
subject with dates in words and without database numbers, and its details with residents
by name and roles as the people page names them. The events themselves stay
as they were recorded; only their reading changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..entries import dates_in_words
from ..extensions import db
from ..models import AUDIT_WORDS, ROLE_NAMES, AuditEvent, Program, User
from ..setup_changes import in_words


@dataclass(frozen=True)
class Shown:
    """An event as the log's row reads it."""

    what: str
    subject: str
    detail: str
    who: str = "command line"   # who did it: their name as the app knows it now ...
    address: str = ""           # ... and the e-mail address recorded, under a name


_NUMBERED = re.compile(r"\b(case|request) #\d+ ")
_IMPORTED = re.compile(r"^(\d+) imported case\(s\)")


class AuditWords:
    """Reads a program's events in words, with what the app knows now: its residents'
    names (archived ones too) and the names of the people who acted (`events`: the events
    to be read, whose actors are looked up at once)."""

    def __init__(self, program: Program, events: list[AuditEvent]):
        self.names = {r.key: r.label for r in [*program.residents,
                                                *program.archived_residents]}
        ids = {e.actor_id for e in events if e.actor_id is not None}
        self.actors: dict[int, str] = {row.id: row.name for row in db.session.execute(
            select(User.id, User.name).where(User.id.in_(ids)))} if ids else {}

    def __call__(self, event: AuditEvent) -> Shown:
        said = [self._detail(event, key, value) for key, value in (event.detail or {}).items()]
        name = self.actors.get(event.actor_id) if event.actor_id is not None else None
        if name:
            who, address = name, event.actor_email
        else:   # no name given, or the account is gone: the address recorded
            who, address = event.actor_email or "command line", ""
        what = AUDIT_WORDS.get(event.action, event.action)
        if event.action == "case.verified" and (event.detail or {}).get("imported"):
            what = "Cases imported, verified"    # an import of verified cases, not one case
        return Shown(what, self._subject(event),
                     "; ".join(s for s in said if s), who, address)

    def _subject(self, event: AuditEvent) -> str:
        subject = _NUMBERED.sub(r"\1 ", dates_in_words(event.subject))
        imported = _IMPORTED.match(subject)
        if imported:
            count = int(imported.group(1))
            subject = (f"{count:,} case{'' if count == 1 else 's'} imported"
                       + subject[imported.end():])
        role = (event.detail or {}).get("role")
        if event.action.startswith("role.") and role in ROLE_NAMES \
                and subject.startswith(f"{role} "):
            subject = ROLE_NAMES[role] + subject[len(role):]
        return subject

    def _detail(self, event: AuditEvent, key: str, value: Any) -> str:
        """One detail in words; '' for what the row says already (the subject names the
        resident, the version, the role and the count) or what people do not read (ids)."""
        if value in ("", None, False) or key.endswith("_id") \
                or key in ("resident", "role", "imported"):
            return ""
        if key == "version" and event.action in ("schedule.published", "call.published"):
            return ""
        if event.action in ("role.changed", "time_zone.changed") \
                and key in ("was", "time_zone"):
            return ""      # the subject says both
        if event.action.startswith("setup."):
            return _setup_detail(event, key, value)
        if event.action == "settings.changed":
            # the subject says each setting, from what to what; the holidays in full only
            # where it was cut short
            if key in ("holidays_added", "holidays_removed") and event.subject.endswith("…"):
                return f"holidays {key.split('_')[1]}: {', '.join(map(str, value))}"
            return ""
        if key == "giver" and event.action == "swap.offered" and event.actor_id is not None:
            return ""      # the one who offered it is the one who acted
        person = self.names.get(str(value), str(value))
        words = {
            "giver": f"offered by {person}",
            "taker": f"taken by {person}",
            "new_account": "a new account",
            "version": f"call version {value}",
            "block_version": f"block version {value}",
            "edit_of": f"an edit of version {value}",
            "decision": str(value),
            "reason": f"reason: {value}",
            "comment": f"comment: “{value}”",
            "was": f"was {value}",
            "changed": f"changed: {value}",
            "kind": "weeks of a weekly service" if value == "service" else "",
        }
        if key == "weeks":
            return _weeks(value)
        return words.get(key, f"{key.replace('_', ' ')}: {value}")


def _setup_detail(event: AuditEvent, key: str, value: Any) -> str:
    """A set-up event's detail: an entry added or removed as it is or was (its keys that
    say something); a change's values, and an import's lists, only where the subject, which
    says them, was cut short."""
    if key == "section" or not value:
        return ""
    said = {"now": "as added", "was": "as it was"}.get(key, key) \
        if event.action != "setup.changed" else key
    if event.action == "setup.changed" and not event.subject.endswith("…"):
        return ""
    if isinstance(value, dict):
        return dates_in_words(f"{said}: " + ", ".join(
            f"{k.replace('_', ' ')} = {in_words(v)}" for k, v in value.items()
            if v not in (None, "", [], {})))
    return dates_in_words(f"{said}: {in_words(value)}")


def _weeks(weeks: Any) -> str:
    """'weeks 10–11' as recorded: the subject, worded when the event happened, gives their
    dates (read against today's calendar, a later year's, they would be another year's)."""
    numbers = sorted(w for w in weeks if isinstance(w, int)) if isinstance(weeks, list) else []
    if not numbers:
        return f"weeks: {weeks}"
    if len(numbers) == 1:
        return f"week {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"weeks {numbers[0]}–{numbers[-1]}"
    return "weeks " + ", ".join(str(n) for n in numbers)
