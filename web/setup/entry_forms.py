"""Requirement and rule services: entries kept as the program file has them, built from
form data and checked by the engine's validator against the whole program."""

from __future__ import annotations

from typing import Any

from scheduler.schema import RUN_KINDS

from .. import setup_audit
from ..choices import target_key, target_value
from ..entries import Outcome, delete_entry, save_entry, text
from ..models import Program, Requirement, Rule, User
from ..program_file import next_position


def _targeted(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    """The keys every targeted entry shares: name, target, filters, hardness."""
    entry: dict[str, Any] = {}
    if text(data, "name"):
        entry["name"] = text(data, "name")
    key, name = target_key(program, text(data, "target"))
    entry[key] = name
    for key in ("levels", "tracks"):
        if data.get(key):
            entry[key] = list(data[key])
    if not data.get("hard"):
        entry["hard"] = False
    if data.get("weight") is not None:
        entry["weight"] = data["weight"]
    return entry


def requirement_entry(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    entry = _targeted(program, data)
    for key in ("exactly", "min", "max"):
        if data.get(key) is not None:
            entry[key] = data[key]
    if data.get("scope") == "residency":
        entry["scope"] = "residency"
    return entry


def rule_entry(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind") or ""
    entry = {"kind": kind, **_targeted(program, data)}
    if kind == "coverage":
        for key in ("min", "max"):
            if data.get(key) is not None:
                entry[key] = data[key]
        if data.get("blocks"):
            entry["blocks"] = sorted(data["blocks"])
    elif kind in RUN_KINDS:
        if data.get("run") is not None:
            entry["blocks"] = data["run"]
    elif kind == "prerequisite" and text(data, "requires"):
        entry["requires"] = text(data, "requires")
    return entry


FORM_FIELDS = {"rotation": "target", "group": "target", "service": "target"}


def save_requirement(program: Program, row: Requirement | None, data: dict[str, Any],
                     actor: User | None = None) -> Outcome:
    """Create or change a requirement, if the program stays valid (audited as done by
    `actor`)."""
    row = row or Requirement(position=next_position(Requirement, program))
    entry = requirement_entry(program, data)

    def change(target: Requirement) -> None:
        target.entry = entry

    return setup_audit.saved(program, "requirement", row, actor, lambda: save_entry(
        program, "requirement", row, program.requirements, change, field_names=FORM_FIELDS))


def save_rule(program: Program, row: Rule | None, data: dict[str, Any],
              actor: User | None = None) -> Outcome:
    """Create or change a rule, if the program stays valid (audited as done by
    `actor`)."""
    row = row or Rule(position=next_position(Rule, program))
    entry = rule_entry(program, data)

    def change(target: Rule) -> None:
        target.kind, target.entry = entry["kind"], entry

    fields = {**FORM_FIELDS}
    if entry["kind"] in RUN_KINDS:
        fields["blocks"] = "run"
    return setup_audit.saved(program, "rule", row, actor, lambda: save_entry(
        program, "rule", row, program.rules, change, field_names=fields))


def delete_requirement(program: Program, row: Requirement, actor: User | None = None
                       ) -> Outcome:
    return setup_audit.removed(program, "requirement", row, actor, lambda: delete_entry(
        program, row, program.requirements))


def delete_rule(program: Program, row: Rule, actor: User | None = None) -> Outcome:
    return setup_audit.removed(program, "rule", row, actor, lambda: delete_entry(
        program, row, program.rules))


def form_data(program: Program, entry: dict[str, Any]) -> dict[str, Any]:
    """A stored entry as the form shows it."""
    shown = dict(entry)
    shown["target"] = target_value(program, entry)
    shown["hard"] = entry.get("hard", True)
    if entry.get("kind") in RUN_KINDS:
        shown["run"], shown["blocks"] = entry.get("blocks"), []
    return shown
