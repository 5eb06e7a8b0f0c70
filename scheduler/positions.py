"""Where an error is, as a person reads it: 'rotation 4, max' on line 37.

Error paths (`rotation[3].max`) count entries from 0, as the file's lists do in code; a chief
counts from 1 and looks for a line. `place(path)` gives the words and `line_of(text, path)`
the line of the program file's text that holds the key (the entry's header when the key is
not written: a missing key), found by walking the TOML text's table headers.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    as a table of its own (an inline table, say) or the path is file-wide."""
    parts = _parts(path)
    if not parts or not isinstance(parts[0], str):
        return None
    section = parts[0]
    index = parts[1] if len(parts) > 1 and isinstance(parts[1], int) else None
    rest = parts[2:] if index is not None else parts[1:]
    key = next((p for p in rest if isinstance(p, str)), None)
    lines, headers = _indexed(text)
    start, end = _table(headers, len(lines), section, index)
    if start is None:
        if index is None and not rest:          # a top-level key: `format = 2`
            first = headers[0][0] if headers else len(lines)
            return _key_line(lines, 0, first, section)
        return None
    if key is None:
        return start + 1
    found = _key_line(lines, start + 1, end, key)
    return found if found is not None else start + 1


@lru_cache(maxsize=4)
def _indexed(text: str) -> tuple[list[str], list[tuple[int, str | None, str | None]]]:
    """The text's lines and its table headers, (line index, `[[array]]` name, `[table]`
    name), read once per text: a file with 300,000 errors once took ten minutes to have its
    lines found, the text split again for each."""
    lines = text.splitlines()
    headers: list[tuple[int, str | None, str | None]] = []
    for n, line in enumerate(lines):
        if match := _HEADER.match(line):
            headers.append((n, match.group(1), match.group(2)))
    return lines, headers


def _table(headers: list[tuple[int, str | None, str | None]], count: int, section: str,
           index: int | None) -> tuple[int | None, int]:
    """(line index of the header, index of the line after its table) of `[section]` or of
    the `index`-th `[[section]]` (`count`: the text's lines)."""
    seen = -1
    start = None
    for n, array, table in headers:
        if start is not None:
            return start, n
        if index is not None and array == section:
            seen += 1
            if seen == index:
                start = n
        elif index is None and table == section:
            start = n
    return start, count


def _key_line(lines: list[str], first: int, last: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for n in range(first, last):
        if pattern.match(lines[n]):
            return n + 1
    return None
