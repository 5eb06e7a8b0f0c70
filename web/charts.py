"""Text that goes into a chart. Plotly reads a subset of HTML in labels, titles and legend
names (links, bold, line breaks), so text a person typed — a category, a target, a resident's
name — is escaped first and shows as the characters typed, never as a link or markup."""

from __future__ import annotations

from html import escape
from typing import TypedDict

# One colour per category in a stacked chart: sixteen colours chosen to stay apart from one
# another on a white page (a default palette of ten repeats; pale ones come last), then
# four paler ones; past twenty, the colours come again, hatched.
SERIES_COLOURS = (
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324", "#800000", "#808000", "#000075",
    "#a9a9a9", "#ffd8b1", "#aaffc3", "#fffac8",
)
SERIES_HATCHES = ("", "/", "x", ".", "+", "-", "|", "\\")


class SeriesStyle(TypedDict):
    colour: str
    hatch: str       # Plotly's bar pattern shape ('' for none)


def series_style(index: int) -> SeriesStyle:
    """The look of the `index`th series (from 0): unique for the first 160, and the same
    for a category on every chart (the index is its place in the catalogue)."""
    colours = len(SERIES_COLOURS)
    return {"colour": SERIES_COLOURS[index % colours],
            "hatch": SERIES_HATCHES[(index // colours) % len(SERIES_HATCHES)]}


def label(text: str) -> str:
    """`text` as a chart shows it literally."""
    return escape(text, quote=False)


def labels(texts: list[str]) -> list[str]:
    return [label(t) for t in texts]
