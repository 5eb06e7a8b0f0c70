"""The procedure catalogue and the case-log targets a program measures residents against.

A catalogue is categories of procedure types (optional CPT codes), read from TOML and checked
with pydantic; `load_default()` gives the catalogue a new program starts from
(`default_catalogue.toml`). A target is a count of cases: in total or in one category, for some
tracks, optionally within a sliding window (FDA MQSA: 240 mammograms within any 6 months of the
last 2 years). Each target says whether it is a confirmed rule or an example.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=40)]
DEFAULT = Path(__file__).with_name("default_catalogue.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcedureType(_Strict):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    cpt: list[Annotated[str, StringConstraints(pattern=r"^\d{4}[0-9A-Z]$")]] = []


class Category(_Strict):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Literal["procedure", "reading"] = "procedure"
    procedures: Annotated[list[ProcedureType], Field(min_length=1)]


class Target(_Strict):
    """`count` cases — of one `category`, of every category of a `kind`, or of all — for the
    residents of `tracks` (all when absent); with `window_months`, within some window of that
    many months, lying inside the last `last_years` of residency."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    count: Annotated[int, Field(ge=1, le=1_000_000)]
    category: Code | None = None
    kind: Literal["procedure", "reading"] | None = None
    tracks: list[str] | None = None
    window_months: Annotated[int, Field(ge=1, le=120)] | None = None
    last_years: Annotated[int, Field(ge=1, le=10)] | None = None
    confirmed: bool = False
    source: str = ""

    @model_validator(mode="after")
    def _one_scope(self) -> Target:
        if self.category is not None and self.kind is not None:
            raise ValueError("a target counts one category or one kind, not both")
        if self.last_years is not None and self.window_months is None:
            raise ValueError("last_years needs window_months")
        return self


class Catalogue(_Strict):
    category: list[Category] = []
    target: list[Target] = []

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        for category in self.category:
            for code in [category.code] + [p.code for p in category.procedures]:
                if code in seen:
                    raise ValueError(f"code '{code}' is used twice")
                seen.add(code)
        categories = {c.code for c in self.category}
        for target in self.target:
            if target.category is not None and target.category not in categories:
                raise ValueError(f"target '{target.name}': unknown category "
                                 f"'{target.category}'")
        return self

    @property
    def category_of(self) -> dict[str, Category]:
        """Procedure type code -> its category."""
        return {p.code: c for c in self.category for p in c.procedures}

    def targets_for(self, track: str) -> list[Target]:
        return [t for t in self.target if t.tracks is None or track in t.tracks]


def load_catalogue(text: str) -> Catalogue:
    """A catalogue from TOML text; raises pydantic's ValidationError (or TOMLDecodeError)."""
    return Catalogue.model_validate(tomllib.loads(text))


def load_default() -> Catalogue:
    return load_catalogue(DEFAULT.read_text(encoding="utf-8"))
