"""Names people type — program names, rotation codes, resident ids, group, level and track
names — normalised once, where they enter (program file, forms, command line, API).

Two names that look the same to a person must be the same name to the program: "Duke IR"
followed by a no-break space is "Duke IR". So every name is put in Unicode NFKC form (which
also turns no-break, full-width and other look-alike spaces and letters into plain ones),
its surrounding whitespace removed and its inner runs of whitespace collapsed to one space.
Characters that no name needs and that hide what a name is — control characters (CR, LF and
tab among them), zero-width and other invisible format characters, line and paragraph
separators — are refused with a message saying which one, rather than silently dropped.

`name_key` is the form under which names are compared for uniqueness: the normal form,
case-folded ("DUKE ir" and "Duke IR" are one program).
"""

from __future__ import annotations

import unicodedata

# Unicode general categories refused in a name: control (Cc), format (Cf: zero-width
# spaces and joiners, direction overrides, the byte-order mark, soft hyphen), line and
# paragraph separators (Zl, Zp), unassigned (Cn), private use (Co) and surrogates (Cs).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"})

_WORDS = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}


class BadName(ValueError):
    """A name holding a character that no name may hold; says which, and where."""


def _describe(char: str) -> str:
    if char in _WORDS:
        return _WORDS[char]
    label = unicodedata.name(char, "").lower()
    code = f"U+{ord(char):04X}"
    return f"an invisible or control character ({code}{' ' + label if label else ''})"


def refused_character(text: str) -> str | None:
    """The first character of `text` that no name may hold, or None."""
    for char in text:
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            return char
    return None


def normalise(text: str) -> str:
    """The name as the program keeps it: NFKC, trimmed, inner whitespace collapsed.
    Raises BadName (a ValueError) when it holds a control or invisible character."""
    char = refused_character(text)
    if char is not None:
        position = text.index(char) + 1
        raise BadName(f"holds {_describe(char)} at character {position}; "
                         "names may not contain control or invisible characters")
    return " ".join(unicodedata.normalize("NFKC", text).split())


def name_key(text: str) -> str:
    """The form under which two names are the same name: normalised and case-folded."""
    return normalise(text).casefold()


def cleaned(text: str) -> str:
    """`text` normalised with every refused character removed instead of refused: for data
    that was stored before names were checked (migrations), or to echo back the name a
    refused file gives (never to keep new input)."""
    kept = "".join(c for c in text if unicodedata.category(c) not in REFUSED_CATEGORIES)
    return " ".join(unicodedata.normalize("NFKC", kept).split())
