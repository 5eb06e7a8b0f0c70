"""Counting in words, as people say it: '1 resident', '2 residents'."""

from __future__ import annotations


def plural(n: float, word: str, many: str | None = None) -> str:
    """'1 vacation week', '3 vacation weeks', '1.5 blocks' (`many`: a plural not made with
    an s)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"
