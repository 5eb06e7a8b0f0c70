"""Sources: where in a program file an entry or a setting is, as conflicts and errors name it.

A source is the path of the schedule file's `conflicts[].source` and of the checker's
findings: `rotation[3].max` (the `max` of the file's fourth `[[rotation]]`), `rule[0]` (a whole
entry), `program.vacation_weeks` (a setting of the `[program]` table) or
`previous.residents.ahmed` (a resident's frozen blocks when re-solving); for the call
schedule also `call_pool[2]`, `call.fairness` and `duty.hours` (a duty-hour limit, which is
the ACGME's, not the file's). `Source` is the one
place that writes, reads and orders them; the solver, the checker, the explanations and the
web app's links all go through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The file's sections in the order the file lists them (and explanations follow).
SECTIONS = ("program", "rotation", "resident", "requirement", "rule", "request", "blackout",
            "away_limit", "service", "previous",
            "call", "work_hours", "call_pool", "call_request", "duty")
# Sections that are lists of entries (`rotation[3]`); the others are tables (`program.x`).
LISTS = ("rotation", "resident", "requirement", "rule", "request", "blackout", "away_limit",
         "service", "work_hours", "call_pool", "call_request")

_PATH = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>.+))?$")


@dataclass(frozen=True)
class Source:
    """One place in a program file: its section, the entry's position in that section's
    list (None for a table such as `[program]`), and a field of it ('' for the whole
    entry)."""

    section: str
    index: int | None = None
    field: str = ""

    @classmethod
    def parse(cls, text: str) -> Source | None:
        """The source a path names, or None when it is not one (a file-level error)."""
        match = _PATH.match(text)
        if match is None:
            return None
        index = match.group("index")
        return cls(match.group("section"), int(index) if index is not None else None,
                   match.group("field") or "")

    def __str__(self) -> str:
        text = self.section if self.index is None else f"{self.section}[{self.index}]"
        return f"{text}.{self.field}" if self.field else text

    @property
    def entry(self) -> Source:
        """The whole entry this source is in (`rotation[3].max` -> `rotation[3]`)."""
        return Source(self.section, self.index)

    def file_order(self) -> tuple[int, int, str]:
        """Sorts sources as the file lists them: by section, then position, then field."""
        rank = SECTIONS.index(self.section) if self.section in SECTIONS else len(SECTIONS)
        return rank, -1 if self.index is None else self.index, self.field


def source_path(section: str, index: int | None = None, field: str = "") -> str:
    """The text of a source: `source_path("rotation", 3, "max")` is 'rotation[3].max'."""
    return str(Source(section, index, field))


def file_order(text: str) -> tuple[int, int, str]:
    """Sort key putting source texts in file order (unparseable ones last)."""
    parsed = Source.parse(text)
    return parsed.file_order() if parsed is not None else (len(SECTIONS) + 1, -1, text)
