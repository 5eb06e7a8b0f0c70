"""A resident's favourite cases: a routine case (procedures, role, attending, site) saved under
a name, to log again in one tap. A favourite never holds a patient reference, notes or
complications: those belong to one case. Each resident sees and uses only their own.
Plain functions: they flush; the request commits (`web.transaction`).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select

from ..entries import Outcome, text
from ..extensions import db
from ..models import CaseFavourite, Program, Resident
from ..models.cases import CASE_ROLES
from ..transaction import kept_if_ok
from .services import attendings, categories, last_case, phi_errors


def of(resident: Resident) -> list[CaseFavourite]:
    """The resident's favourites, by name."""
    return list(db.session.scalars(select(CaseFavourite).where(
        CaseFavourite.resident_id == resident.id).order_by(CaseFavourite.name)))


def owned(resident: Resident, favourite_id: int) -> CaseFavourite:
    """The resident's own favourite with this id; 404 for anyone else's, as for a missing one."""
    favourite = db.session.get(CaseFavourite, favourite_id)
    if favourite is None or favourite.resident_id != resident.id:
        abort(404)
    return favourite


@kept_if_ok
def save(program: Program, resident: Resident, data: dict[str, Any]) -> tuple[
        CaseFavourite | None, Outcome]:
    """Save the case being logged — or, when no primary procedure is chosen yet, the
    resident's last case — as a favourite under a name of its own (one name, one favourite
    per resident). Only the procedures (of the program's catalogue), role, attending (one of
    the program's faculty) and site are kept. Flushes."""
    name = text(data, "name")
    errors = phi_errors(program, {"name": name, "site": data.get("site") or ""})
    if errors:
        return None, Outcome(field_errors=errors)
    if not name:
        errors["name"] = ["give the favourite a name"]
    elif db.session.scalar(select(CaseFavourite.id).where(
            CaseFavourite.resident_id == resident.id, CaseFavourite.name == name)):
        errors["name"] = [f"you already have a favourite called “{name}”: choose another name "
                          "or delete that one first"]
    values = dict(data)
    if not values.get("primary"):
        last = last_case(resident)
        if last is not None:
            values = case_values(last) | {"name": name}
    types = {t.id for c in categories(program) for t in c.types}
    primary = values.get("primary") or 0
    if primary not in types:
        errors.setdefault("", []).append("Choose the primary procedure first (or log a case), "
                                         "then save it as a favourite.")
    role = values.get("role") or "primary"
    if role not in CASE_ROLES:
        errors.setdefault("", []).append(f"Unknown role '{role}'.")
    attending = values.get("attending") or None
    if attending is not None and attending not in {
            u.id for u in attendings(program, resident)}:
        errors.setdefault("", []).append("Choose one of the program's faculty as attending.")
    if errors:
        return None, Outcome(field_errors=errors)
    others = [i for i in dict.fromkeys(values.get("others") or []) if i in types and i != primary]
    favourite = CaseFavourite(resident_id=resident.id, name=name, primary_type_id=primary,
                              other_type_ids=others, role=role, attending_id=attending,
                              site=text(values, "site"))
    db.session.add(favourite)
    db.session.flush()
    return favourite, Outcome()


def case_values(case) -> dict[str, Any]:
    """What a favourite keeps of a logged case."""
    return {"primary": next((p.type_id for p in case.procedures if p.primary), 0),
            "others": [p.type_id for p in case.procedures if not p.primary],
            "role": case.role, "attending": case.attending_id or 0, "site": case.site}


def fill(form, favourite: CaseFavourite) -> None:
    """Fill the case form from a favourite, as repeating the last case does (procedures no
    longer in the catalogue are left out)."""
    known = {choice.value for choice in form.others.choices}
    form.primary.data = favourite.primary_type_id
    form.others.data = [i for i in favourite.other_type_ids if i in known]
    form.role.data, form.attending.data = favourite.role, favourite.attending_id or 0
    form.site.data = favourite.site


def delete(favourite: CaseFavourite) -> None:
    """Forget a favourite (cases logged from it stay). Flushes."""
    db.session.delete(favourite)
    db.session.flush()
