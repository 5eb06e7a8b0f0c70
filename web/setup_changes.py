"""Set-up entries as the audit log keeps them, and what changed between two of them in
words; what an imported program file added, changed and removed among them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from scheduler import schema

from . import audit
from .file_entries import kept_entry, resident_entry, rotation_entry
from .models import Program, User

# The set-up lists the log follows (a program file's sections), each with its entries as
# the file has them. Requests are audited as decided (request.decided), the year settings
# by settings_audit.py, and a resident deleted or archived by the roster itself.
ENTRIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "rotation": rotation_entry, "resident": resident_entry,
    "requirement": lambda row: kept_entry(row.entry), "rule": lambda row: kept_entry(row.entry),
    "blackout": lambda row: kept_entry(row.entry),
    "away_limit": lambda row: kept_entry(row.entry),
    "service": lambda row: kept_entry(row.entry),
}
# Each list's entries as the program file defines them (a rule's by its kind), for the
# values of the keys an entry leaves out.
MODELS: dict[str, type[schema.Entry]] = {
    "rotation": schema.Rotation, "resident": schema.Resident,
    "requirement": schema.Requirement, "blackout": schema.Blackout,
    "away_limit": schema.AwayLimit, "service": schema.Service}
DETAIL_CHARACTERS = 2_000   # of one key's value in the log


def entry(section: str, row: Any) -> dict[str, Any]:
    """A set-up entry as the log keeps it: every key of its kind of entry, in the program
    file's order, a key it leaves out with the file's default (so a minimum raised from
    its default reads "from 0 to 1"); values as text, numbers and lists (dates as ISO
    dates)."""
    given = ENTRIES[section](row)
    model = schema.RULE_KINDS.get(given.get("kind", "")) if section == "rule" \
        else MODELS[section]
    found: dict[str, Any] = {}
    for name, field in (model.model_fields if model is not None else {}).items():
        key = field.alias or name
        found[key] = given[key] if key in given else \
            None if field.is_required() else field.default
    found.update(given)
    return {key: _plain(value) for key, value in found.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def in_words(value: Any) -> str:
    """A value of an entry as the audit log says it ('not set', 'yes', 'R2, R3')."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(in_words, value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} = {in_words(v)}" for k, v in value.items()) or "none"
    return str(value)


def changes_in_words(was: dict[str, Any], now: dict[str, Any]) -> str:
    """'min from 2 to 3; levels from not set to R2, R3': each key that changed, in the
    file's order (the new entry's keys first, then those it lost)."""
    keys = [*now, *(key for key in was if key not in now)]
    return "; ".join(f"{key.replace('_', ' ')} from {in_words(was.get(key))} to "
                     f"{in_words(now.get(key))}" for key in keys if was.get(key) != now.get(key))


IMPORT_LISTED = 500   # residents an import's entry names in its detail, at most


# The lists whose entries have an id of their own, and its key; the others' entries are
# compared whole (an entry changed reads as one removed and one added).
KEYED = {"rotation": "code", "resident": "id", "service": "code"}
PLURALS = {"rotation": "rotations", "resident": "residents", "requirement": "requirements",
           "rule": "rules", "blackout": "blackouts", "away_limit": "away limits",
           "service": "weekly services"}


def snapshot(program: Program) -> dict[str, list[dict[str, Any]]]:
    """Every set-up entry of the program as the log keeps it, by list."""
    return {section: [entry(section, row) for row in rows_of(program, section)]
            for section in ENTRIES}


def file_imported(program: Program, were: dict[str, list[dict[str, Any]]],
                  back: set[str], actor: User | None) -> None:
    """Audit what an imported program file added, changed and removed among the set-up
    entries (`were`: `snapshot` before it), in one entry; nothing when it changed none.
    Residents it archived or brought back (`back`: their ids) are audited as such already."""
    now = snapshot(program)
    said: list[str] = []
    detail: dict[str, dict[str, Any]] = {"added": {}, "changed": {}, "removed": {}}
    for section in ENTRIES:
        before, after = were[section], now[section]
        if section in KEYED:
            key = KEYED[section]
            old = {str(e[key]): e for e in before}
            new = {str(e[key]): e for e in after}
            added = [k for k in new if k not in old and k not in back]
            removed = [k for k in old if k not in new] if section != "resident" else []
            changed = {k: changes_in_words(old[k], new[k]) for k in new
                       if k in old and old[k] != new[k]}
        else:
            added = [_named(section, e) for e in after if e not in before]
            removed = [_named(section, e) for e in before if e not in after]
            changed = {}
        parts = [f"{k} added" for k in added] + [f"{k} changed ({words})"
                                                  for k, words in changed.items()]
        parts += [f"{k} removed" for k in removed]
        if parts:
            said.append(f"{PLURALS[section]}: {', '.join(parts)}")
        for kind, found in (("added", added), ("removed", removed)):
            if found:
                detail[kind][section] = found[:IMPORT_LISTED]
        if changed:
            detail["changed"][section] = kept(dict(list(changed.items())[:IMPORT_LISTED]))
    if said:
        audit.record("setup.changed", program=program, actor=actor,
                     subject=f"by an imported program file: {'; '.join(said)}",
                     **{kind: found for kind, found in detail.items() if found})


def _named(section: str, values: dict[str, Any]) -> str:
    """An entry without an id of its own, as the log names it: by its name, else by what
    it says."""
    if values.get("name"):
        return f"“{values['name']}”"
    target = values.get("rotation") or values.get("group") or values.get("service") or ""
    if section == "rule":
        return f"{str(values.get('kind', 'rule')).replace('_', ' ')} rule on {target}"
    if section == "requirement":
        return f"requirement on {target}"
    if section == "blackout":
        return f"blackout {values.get('from')} to {values.get('to')}"
    return f"away limit of {values.get('max')}" + (f" on {target}" if target else "")


def rows_of(program: Program, section: str) -> list[Any]:
    """The program's rows of a set-up list, in the file's order."""
    lists: dict[str, list[Any]] = {
        "rotation": program.rotations, "resident": program.residents,
        "requirement": program.requirements, "rule": program.rules,
        "blackout": program.blackouts, "away_limit": program.away_limits,
        "service": program.services}
    return lists[section]


def kept(values: dict[str, Any]) -> dict[str, Any]:
    """An entry's values as the log keeps them: each as it is, or as text cut short."""
    return {key: value if len(str(value)) <= DETAIL_CHARACTERS
            else str(value)[:DETAIL_CHARACTERS - 1] + "…" for key, value in values.items()}
