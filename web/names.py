"""Names typed into forms, normalised where they enter (see `scheduler.identifiers`): the
`NAME` filter list goes on every form field that holds a name, code, id or list of them, so
that a look-alike name is refused on its field or becomes the name it looks like."""

from __future__ import annotations

from scheduler.identifiers import BadName, normalise


def normal_name(value: object) -> object:
    """A WTForms filter: the field's text normalised; a control or invisible character in it
    becomes an error on the field (WTForms turns a filter's ValueError into one). What is
    not text (a form filled from a stored list, say) passes unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return normalise(value)
    except BadName as exc:
        raise ValueError(f"This {exc}.") from exc


NAME = [normal_name]
