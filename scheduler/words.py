"""Counting in words, as people say it: '1 resident', '2 residents'."""

from __future__ import annotations


def plural(n: float, word: str, many: str | None = None) -> str:
    """'1 vacation week', '3 vacation weeks', '1.5 blocks' (`many`: a plural not made with
    an s)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in number_runs(numbers))


def number_runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5] -> [(1, 3), (5, 5)]: the runs of consecutive numbers."""
    found: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if found and n == found[-1][1] + 1:
            found[-1] = (found[-1][0], n)
        else:
            found.append((n, n))
    return found
