"""Text that goes into a chart. Plotly reads a subset of HTML in labels, titles and legend
names (links, bold, line breaks), so text a person typed — a category, a target, a resident's
name — is escaped first and shows as the characters typed, never as a link or markup."""

from __future__ import annotations

from html import escape


def label(text: str) -> str:
    """`text` as a chart shows it literally."""
    return escape(text, quote=False)


def labels(texts: list[str]) -> list[str]:
    return [label(t) for t in texts]
