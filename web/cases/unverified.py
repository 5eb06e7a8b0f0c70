"""A case before it is verified: its resident corrects it, and its attending verifies it.

Until a case is verified its resident may edit it — checked exactly as a new case is
(`services.checked_entry`) — or delete it. A returned case, saved, goes back to its
attending's queue as waiting. A verified case is final: neither is allowed, whatever a form
sends. The attending verifies several waiting cases at once, each as a single verification
is (and audited one by one), all of them or none. The running tallies move in the same
transaction as the cases, and the audit log keeps every edit and deletion. Plain functions:
they flush; the request commits (`web.transaction`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from flask import abort
from sqlalchemy import select

from scheduler.calendar import day_in_words

from .. import audit
from ..entries import Outcome
from ..extensions import db
from ..models import Case, Program, Resident, User
from ..transaction import kept_if_ok
from . import services, tally

FINAL = ("this case has been verified: it is final and can no longer be changed or deleted "
         "(ask the program if it is wrong)")


def owned(program: Program, resident: Resident, case_id: int, lock: bool = False) -> Case:
    """The resident's own case with this id; 404 for anyone else's, as for a missing one.
    With `lock`, its row is locked until the request ends (PostgreSQL: FOR UPDATE), so an
    attending's verification waits for the resident's change and then sees it."""
    case = db.session.get(Case, case_id, with_for_update=True if lock else None)
    if case is None or case.program_id != program.id or case.resident_id != resident.id:
        abort(404)
    return case


def form_data(case: Case) -> dict[str, Any]:
    """The case as the case form shows it (never the patient reference: only its hash is
    kept)."""
    return {"day": case.day, "role": case.role, "attending": case.attending_id or 0,
            "primary": next((p.type_id for p in case.procedures if p.primary), 0),
            "others": [p.type_id for p in case.procedures if not p.primary],
            "site": case.site, "complications": case.complications, "notes": case.notes}


def _subject(case: Case) -> str:
    return f"case #{case.id} of {case.resident.name} on {case.day.isoformat()}"


def _refusal(case: Case, resident: Resident) -> Outcome | None:
    if case.resident_id != resident.id:
        return Outcome(field_errors={"": ["only the resident who logged a case changes it"]})
    if not case.correctable:
        return Outcome(field_errors={"": [FINAL]})
    return None


def _described(case: Case) -> dict[str, Any]:
    """What an edit may change, to name the fields it changed (never their values)."""
    return {"day": case.day, "procedures": sorted((p.type_id, p.primary) for p in case.procedures),
            "role": case.role, "attending": case.attending_id, "site": case.site,
            "complications": case.complications, "notes": case.notes,
            "patient reference": case.patient_hash}


def seen_stamp(case: Case) -> str:
    """A short digest of what the case holds now (what an edit may change): the attending's
    queue sends back the stamp of the case it showed, so a verification from a page drawn
    before the resident changed the case verifies nothing."""
    return hashlib.sha256(repr(sorted(_described(case).items())).encode()).hexdigest()[:16]


def changed_since(case: Case, seen: str | None) -> str | None:
    """The sentence saying the case changed since the page that sent `seen` was drawn
    (None when it did not, or when no stamp was sent)."""
    if seen is None or seen == seen_stamp(case):
        return None
    return (f"{case.resident.label} changed the case of {day_in_words(case.day)} after your "
            "page was loaded")


@kept_if_ok
def edit_case(case: Case, resident: Resident, data: dict[str, Any], actor: User) -> Outcome:
    """The resident corrects their own case, checked as a new case is (the rotation is the
    published schedule's for the day, a blank site the rotation's). A blank patient reference
    keeps the one given before; `forget_reference` drops it. A returned case goes back to
    its attending as waiting (the return comment is cleared from the case; the audit log
    keeps it). Refused once the case is verified. The tally moves with the case; the audit
    log names the fields changed. Flushes."""
    refused = _refusal(case, resident)
    if refused is not None:
        return refused
    entry, outcome = services.checked_entry(case.program, resident, data)
    if entry is None:
        return outcome
    before, was, described = tally.facts(case), case.state, _described(case)
    services.fill(case, entry)
    if entry.reference:
        case.patient_hash = services.reference_digest(case.program, entry.reference)
    elif data.get("forget_reference"):
        case.patient_hash = None
    # back to its attending, with their comment kept beside the fix (verifying clears it)
    case.state, case.verified_at = "pending", None
    db.session.flush()
    changed = [name for name, value in _described(case).items() if described[name] != value]
    if not changed and was == "pending":
        return Outcome()
    tally.restate(case.program, before, tally.facts(case))
    audit.record("case.edited", program=case.program, actor=actor, subject=_subject(case),
                 case_id=case.id, was=was, changed=", ".join(changed))
    return Outcome()


@kept_if_ok
def delete_case(case: Case, resident: Resident, actor: User) -> Outcome:
    """The resident deletes their own case, until it is verified (a verified case is
    final). Its counts leave the tally; the audit log keeps that it was deleted. Flushes."""
    refused = _refusal(case, resident)
    if refused is not None:
        return refused
    tally.record(case.program, [tally.facts(case)], sign=-1)
    audit.record("case.deleted", program=case.program, actor=actor, subject=_subject(case),
                 case_id=case.id, was=case.state)
    db.session.delete(case)
    db.session.flush()
    return Outcome()


@kept_if_ok
def verify_many(program: Program, user: User, case_ids: Iterable[int],
                seen: Mapping[int, str] | None = None) -> tuple[int, Outcome]:
    """The attending verifies several cases at once, each as a single verification is
    (`services.verify`: audited one by one). All or nothing: every case named must be one
    of this program's, addressed to this attending, still waiting and, where `seen` gives
    the stamp of the case the page showed, unchanged since; otherwise nothing is verified
    and the refusal names the cases that are not. (How many verified, the outcome.)"""
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        return 0, Outcome(field_errors={"": ["choose the cases to verify"]})
    found = {c.id: c for c in db.session.scalars(select(Case).where(
        Case.id.in_(wanted), Case.program_id == program.id, Case.attending_id == user.id,
        Case.state == "pending").with_for_update())}   # a resident's edit waits, or is seen
    others = [i for i in wanted if i not in found]
    if others:
        named = ", ".join(f"#{i}" for i in others)
        cases = f"case {named} is" if len(others) == 1 else f"cases {named} are"
        return 0, Outcome(field_errors={"": [
            f"{cases} not waiting for you, so nothing was verified: reload the queue and "
            "choose again"]})
    changed = [sentence for i in wanted
               if (sentence := changed_since(found[i], (seen or {}).get(i))) is not None]
    if changed:
        return 0, Outcome(field_errors={"": [
            "; ".join(changed) + ", so nothing was verified: read the queue again and "
            "choose again"]})
    for case_id in wanted:
        outcome = services.verify(found[case_id], user, True)
        if not outcome.ok:
            return 0, outcome
    return len(wanted), Outcome()
