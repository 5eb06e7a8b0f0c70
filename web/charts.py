"""Text that goes into a chart. Plotly reads a subset of HTML in labels, titles and legend
names (links, bold, line breaks), so text a person typed — a category, a target, a resident's
name — is escaped first and shows as the characters typed, never as a link or markup."""

from __future__ import annotations

from html import escape
from typing import TypedDict

# One colour per category in a stacked chart: Kenneth Kelly's twenty colours of maximum
# contrast (1965, without white and black), which stay apart from one another where a
# default palette of ten repeats. Past twenty, the colours come again, hatched.
SERIES_COLOURS = (
    "#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#848482", "#008856",
    "#e68fac", "#0067a5", "#f99379", "#604e97", "#f6a600", "#b3446c", "#dcd300", "#882d17",
    "#8db600", "#654522", "#e25822", "#2b3d26",
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
