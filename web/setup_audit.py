"""The audit log's entries for set-up changes made on the set-up pages: an entry added,
changed (each of its keys from what to what) or removed, and a roster imported from a
spreadsheet; how entries read there is setup_changes.py's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import audit
from .entries import Outcome, entry_label
from .models import Program, User
from .setup_changes import IMPORT_LISTED, changes_in_words, entry, kept, rows_of


def saved(program: Program, section: str, row: Any, actor: User | None,
          save: Callable[[], Outcome]) -> Outcome:
    """Run `save` (which adds `row` to the section's list or changes it) and, when it is
    kept, audit the entry as added, or as changed from what it was; nothing when nothing
    changed."""
    was = entry(section, row) if row in rows_of(program, section) else None
    outcome = save()
    if not outcome.ok:
        return outcome
    now = entry(section, row)
    label = entry_label(program, f"{section}[{rows_of(program, section).index(row)}]")
    if was is None:
        audit.record("setup.added", program=program, actor=actor, subject=label,
                     section=section, now=kept(now))
    elif was != now:
        audit.record("setup.changed", program=program, actor=actor,
                     subject=f"{label}: {changes_in_words(was, now)}", section=section,
                     was=kept(was), now=kept(now))
    return outcome


def removed(program: Program, section: str, row: Any, actor: User | None,
            remove: Callable[[], Outcome]) -> Outcome:
    """Run `remove` (which deletes `row` from the section's list) and, when it is kept,
    audit the entry as removed, with what it was."""
    was = entry(section, row)
    label = entry_label(program, f"{section}[{rows_of(program, section).index(row)}]")
    outcome = remove()
    if outcome.ok:
        audit.record("setup.removed", program=program, actor=actor, subject=label,
                     section=section, was=kept(was))
    return outcome


def imported(program: Program, were: dict[str, dict[str, Any]], actor: User | None) -> None:
    """Audit a roster imported from a spreadsheet, in one entry: the residents it added
    (or brought back) and those it changed, each from what to what (`were`: each resident's
    entry before, by id); nothing when it changed nothing."""
    now = {r.key: entry("resident", r) for r in program.residents}
    added = [key for key in now if key not in were]
    changed = {key: changes_in_words(were[key], now[key]) for key in now
               if key in were and were[key] != now[key]}
    if not added and not changed:
        return
    said = [f"{len(added)} added: {', '.join(added)}"] if added else []
    if changed:
        said.append(f"{len(changed)} changed: " + ", ".join(
            f"{key} ({words})" for key, words in changed.items()))
    listed = dict(list(changed.items())[:IMPORT_LISTED])
    audit.record("setup.changed", program=program, actor=actor,
                 subject=f"residents imported from a spreadsheet: {'; '.join(said)}",
                 section="resident", added=added[:IMPORT_LISTED], changed=kept(listed))


