"""Where an error is, as a person reads it: 'rotation 4, max' on line 37.

Error paths (`rotation[3].max`) count entries from 0, as the file's lists do in code; a chief
counts from 1 and looks for a line. `place(path)` gives the words and `line_of(text, path)`
the line of the program file's text that holds the key (the entry's header when the key is
not written: a missing key), found by walking the TOML text's table headers.
"""

from __future__ import annotations

import re

from .sources import LISTS

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]|^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")


def _parts(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _PART.findall(path)]


def place(path: str) -> str:
    """'rotation[3].max' -> 'rotation 4, max'; 'program.holidays[1]' -> 'program,
    holidays 2'; '' -> 'the file'."""
    if not path:
        return "the file"
    words: list[str] = []
    for part in _parts(path):
        if isinstance(part, int):
            if words:
                words[-1] += f" {part + 1}"
            else:
                words.append(f"item {part + 1}")
        else:
            words.append(part.replace("_", " "))
    return ", ".join(words)


_ENTRY = re.compile(r"\b(?:" + "|".join(LISTS) + r")\[\d+\](?:\.[a-z_]+(?:\[\d+\])?)*")


def places_in(message: str) -> str:
    """A message with the entries it points to read as `place` reads them: 'overlaps
    blackout[3] (...)' -> 'overlaps blackout 4 (...)', 'rotation[12].max' -> 'rotation 13,
    max'."""
    return _ENTRY.sub(lambda m: place(m.group(0)), message)


def line_of(text: str, path: str) -> int | None:
    """The 1-based line of `text` holding what `path` names, or None when it is not written
    as a table of its own (an inline table, say) or the path is file-wide. For many paths of
    one text, `Lines(text).line_of` reads the text once."""
    return Lines(text).line_of(path)


class Lines:
    """A program file's text, its lines and where each of its tables begins and ends, read
    once: a file with 600,000 errors once took minutes to have its lines found, its headers
    walked again for each."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        # (section, index of the [[array]] entry, or None for a [table]) -> (header, end)
        self.tables: dict[tuple[str, int | None], tuple[int, int]] = {}
        self.first_header = len(self.lines)
        seen: dict[str, int] = {}
        last: tuple[str, int | None] | None = None
        for n, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if not match:
                continue
            self.first_header = min(self.first_header, n)
            if last is not None:
                self.tables[last] = (self.tables[last][0], n)
            array, table = match.groups()
            if array is not None:
                seen[array] = seen.get(array, -1) + 1
                last = (array, seen[array])
            else:
                last = (table, None)
            self.tables.setdefault(last, (n, len(self.lines)))
            if self.tables[last][0] != n:   # a [table] given twice: the first counts
                last = None

    def line_of(self, path: str) -> int | None:
        """The 1-based line holding what `path` names (`line_of`)."""
        parts = _parts(path)
        if not parts or not isinstance(parts[0], str):
            return None
        section = parts[0]
        index = parts[1] if len(parts) > 1 and isinstance(parts[1], int) else None
        rest = parts[2:] if index is not None else parts[1:]
        key = next((p for p in rest if isinstance(p, str)), None)
        found = self.tables.get((section, index))
        if found is None:
            if index is None and not rest:          # a top-level key: `format = 2`
                return _key_line(self.lines, 0, self.first_header, section)
            return None
        start, end = found
        if key is None:
            return start + 1
        line = _key_line(self.lines, start + 1, end, key)
        return line if line is not None else start + 1


def _key_line(lines: list[str], first: int, last: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for n in range(first, last):
        if pattern.match(lines[n]):
            return n + 1
    return None
