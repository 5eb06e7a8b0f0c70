"""Publishing a call draft: it becomes the program's next call version, residents see it,
and the swap offers it no longer backs lapse. Apart from `services` and `swaps`, which it
joins (swaps read call versions through `services`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from solver.duty_check import check_duty

from .. import audit
from ..extensions import db
from ..models import CallSchedule, Program
from ..models.columns import now
from ..notify import notify, page, residents_of
from ..transaction import refusable
from . import services
from .swaps import lapse, offer_in_words


def publish(program: Program, row: CallSchedule, user: Any) -> list[str]:
    """Publish a call draft as the program's next call version: residents then see it, and
    open swap offers it no longer backs lapse (`swaps.lapse`; returned, in words). Refused
    when it is already published or its duty breaks a limit. Flushes."""
    if row.state != "draft":
        raise services.CallError(f"{row.label} is already published")
    year, duty, schedule = services.read(row)
    breaches = check_duty(year, duty, schedule)
    if breaches:
        raise services.CallError(f"it breaks {len(breaches)} rule(s), e.g. "
                                 + "; ".join(b.message for b in breaches[:3]))
    try:
        with refusable():
            row.state, row.version = "published", services.next_version(program)
            row.published_at, row.published_by = now(), user
            db.session.flush()
    except IntegrityError as exc:   # two publishes at the same moment took the same number
        raise services.CallError("another call version was published meanwhile; reload "
                                 "and try again") from exc
    audit.record("call.published", program=program, actor=user, subject=row.label,
                 call_schedule_id=row.id, version=row.version)
    lapsed = lapse(program, row, user)
    notify(residents_of(program), program, f"{program.name}: the call schedule is published",
           f"{row.label.capitalize()} of {program.name} is published: your calls are on your "
           "schedule page and in your calendar.",
           page("me.my_schedule", program_id=program.id, _anchor="my-calls"))
    return [offer_in_words(swap) for swap in lapsed]
