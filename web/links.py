"""Links from a program-file path (a conflict's source, an error's path) to the page that
edits that entry, so a chief can go straight from 'why not' to the fix."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from scheduler.sources import Source

from .models import Program
from .program_file import solved_requests


def public_link(endpoint: str, **values: Any) -> str:
    """A whole address to give away (a calendar app subscribes to it): on the site's public
    address (PUBLIC_URL) where one is set, as e-mails' links are, not on whatever host the
    request named; else on the request's own."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values) if base else \
        url_for(endpoint, _external=True, **values)


def edit_link(program: Program, source: str) -> str | None:
    """The URL of the form that edits the entry `source` names, if there is one."""
    place = Source.parse(source)
    if place is not None and place.section == "program":
        return url_for("programs.edit_settings", program_id=program.id)
    if place is None or place.index is None:
        return None
    section, index = place.section, place.index
    if section == "rotation" and index < len(program.rotations):
        return url_for("setup.edit_rotation", program_id=program.id,
                       rotation_id=program.rotations[index].id)
    if section == "resident" and index < len(program.residents):
        return url_for("setup.edit_resident", program_id=program.id,
                       resident_id=program.residents[index].id)
    if section == "request":
        requests = solved_requests(program)
        if index < len(requests):
            return url_for("requests.all_requests", program_id=program.id) \
                + f"#request-{requests[index].id}"
    if section == "requirement" and index < len(program.requirements):
        return url_for("setup.edit_requirement", program_id=program.id,
                       requirement_id=program.requirements[index].id)
    if section == "rule" and index < len(program.rules):
        return url_for("setup.edit_rule", program_id=program.id,
                       rule_id=program.rules[index].id)
    return None
