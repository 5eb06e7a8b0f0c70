"""Helpers shared by the views of several blueprints."""

from __future__ import annotations

import re

from flask import abort, flash

from .entries import Outcome, dates_in_words
from .extensions import db
from .models import Program

# The largest id a row can have (PostgreSQL's `integer`; app.IdConverter reads URLs so).
MAX_ROW_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def whole(value: str, most: int = MAX_ROW_ID) -> int:
    """A whole number typed or sent as text: ASCII digits only ("²" passes str.isdigit but
    is no number) and at most `most`; ValueError otherwise. As `type=` of
    `request.args.get` it makes a bad value the default, as a missing one."""
    if not _DIGITS.fullmatch(value) or int(value) > most:
        raise ValueError(f"'{value}' is not a whole number up to {most:,}")
    return int(value)


def row_ids(values: list[str]) -> list[int]:
    """The ids among form values (`whole`); the others are left out."""
    found = []
    for value in values:
        try:
            found.append(whole(value))
        except ValueError:
            continue
    return found


def owned(model, program: Program, row_id: int):
    """The program's row with this id; 404 for another program's, as for a missing one."""
    row = db.session.get(model, row_id)
    if row is None or row.program_id != program.id:
        abort(404)
    return row


def show_errors(form, outcome: Outcome) -> None:
    """Put an outcome's messages on the form's fields, in the form's words; the rest (other
    entries the change would break) are flashed above the form."""
    for name, messages in outcome.field_errors.items():
        said = [in_form_words(form, name, message) for message in messages]
        target = getattr(form, name, None) if form is not None and name else None
        if target is None:
            for message in said:
                flash(message, "error")
        else:
            target.errors = list(target.errors) + said
    for error in outcome.errors:
        flash(f"{error.path}: {error.message}", "error")


# The validator's messages that name the program file's keys or write its dates (the command
# line's words, which stay), as a form says them: {min} is the label of the form's field
# `min`, {here} the label of the field the message is on.
FORM_WORDS = [
    (r"max (?P<high>\d+) is below min (?P<low>\d+)", "{max} ({high}) is below {min} ({low})"),
    (r"(?P<present>\d+) present on every working day \(min_present\) is above the most it "
     r"takes \(max (?P<high>\d+)\)", "{min_present} ({present}) is above {max} ({high})"),
    (r"a split rotation needs split blocks switched on \(program\.split_blocks = true\)",
     "{split} needs split blocks: switch them on in Settings first"),
    (r"exactly cannot be combined with min or max",
     "{exactly} cannot be combined with {min} or {max}: give one or the others"),
    (r"give exactly, or min and/or max", "Give {exactly}, or {min} and/or {max}"),
    (r"a coverage rule needs min and/or max", "A coverage rule needs {min} and/or {max}"),
    (r"a soft entry \(hard = false\) needs a weight: what breaking it costs",
     "Give {weight} (what breaking it costs), or tick {hard}"),
    (r'a requirement on a service counts weeks of this year: scope must be "year"',
     "A weekly service is counted in weeks of this year: choose “this year” for {scope}"),
    (r"this entry cannot name a service",
     "{target} cannot be a weekly service for this kind of rule"),
    (r"(?P<day>[\d-]+) is before (?P<start>[\d-]+)", "{last} ({day}) is before {first} ({start})"),
    (r"missing required key '(?P<key>\w+)'", "{here} is needed"),
]


def in_form_words(form, name: str, message: str) -> str:
    """A validator's message on the form's field `name` ('' for the whole entry) in the
    form's own words, its fields named by their labels and its dates in words: 'max 3 is
    below min 5' on the rotation form reads '“At most” (3) is below “At least” (5)'. Other
    messages as they are."""
    for pattern, sentence in FORM_WORDS:
        found = re.fullmatch(pattern, message)
        if found is not None:
            words = _Labels(form, found.groupdict())
            words.setdefault("here", _label(form, name or found.groupdict().get("key", "")))
            return dates_in_words(sentence.format_map(words))
    return message


class _Labels(dict):
    """A message's values, and any field's label by the field's name."""

    def __init__(self, form, values: dict[str, str]) -> None:
        super().__init__(values)
        self.form = form

    def __missing__(self, name: str) -> str:
        return _label(self.form, name)


def _label(form, name: str) -> str:
    """A field as a message names it: its label without the hint in brackets ('“At most”'
    for 'At most (blank: no limit)'); its name when the form has no such field."""
    field = getattr(form, name, None) if form is not None else None
    text = field.label.text if field is not None and hasattr(field, "label") else name
    return f"“{_HINT.sub('', text)}”"


_HINT = re.compile(r"\s*\(.*\)$")
