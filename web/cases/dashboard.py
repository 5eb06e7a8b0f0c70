"""The program director's dashboard: every resident against the program's targets, one
verdict per target (`caselog.standing`: met, on pace, not counting yet, off pace) and a
standing per resident that follows from them, so a row never says "behind" of a target it
also calls on pace. Sorted by name, level or standing and filtered to the residents off pace
or of one level, all from the query string: the page works without JavaScript and a filtered
view is a link. Counts come from the tally (plus one grouped query per windowed target)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caselog.progress import ALL, category_key
from caselog.standing import OFF_PACE, STANDINGS, Verdict, standing

from ..models import Program, Resident
from . import pace, services, tally

SORTS = ("name", "level", "status")


@dataclass(frozen=True)
class BoardQuery:
    """What the director asked to see: the order (`name`, `level` or `status`: off pace
    first), only residents off pace, only one level (blank: every level)."""

    sort: str = "name"
    off_pace: bool = False
    level: str = ""

    @classmethod
    def read(cls, args: Mapping[str, str], levels: list[str]) -> BoardQuery:
        """The query from a URL's arguments; what it does not know is left at its default."""
        sort = args.get("sort", "")
        level = args.get("level", "")
        return cls(sort=sort if sort in SORTS else "name",
                   off_pace=args.get("off_pace", "") in ("1", "on", "yes"),
                   level=level if level in levels else "")

    def args(self, **changed: Any) -> dict[str, str]:
        """The query as URL arguments (defaults left out), with `changed` put in."""
        values = {"sort": self.sort, "off_pace": self.off_pace, "level": self.level, **changed}
        found = {}
        if values["sort"] != "name":
            found["sort"] = str(values["sort"])
        if values["off_pace"]:
            found["off_pace"] = "1"
        if values["level"]:
            found["level"] = str(values["level"])
        return found


@dataclass(frozen=True)
class Row:
    """One resident on the dashboard: their verdicts, cases counted, and standing."""

    resident: Resident
    verdicts: list[Verdict]
    total: int
    standing: str

    @property
    def off_pace(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.off_pace]


def board(program: Program, query: BoardQuery) -> dict[str, Any]:
    """The dashboard as `query` asks: the rows, the residents x categories count matrix of
    the rows shown, how many residents stand where, and the program's cases per month."""
    cats = services.categories(program)
    everyone = list(program.residents)
    counted = tally.totals(program)
    measures = services.measures_for(program, everyone, services.catalogue_of(program),
                                     counted)
    projected = pace.projections(program, everyone, measures, counted)
    verdicts = pace.verdicts(program, everyone, measures, projected)
    rows = [Row(r, verdicts[r.id], counted.get((r.id, ALL), 0), standing(verdicts[r.id]))
            for r in everyone]
    shown = ordered([row for row in rows if (not query.off_pace or row.standing == OFF_PACE)
                     and (not query.level or row.resident.level == query.level)],
                    query.sort, program.levels)
    return {"query": query, "rows": shown, "everyone": len(rows),
            "standings": Counter(row.standing for row in rows),
            "levels": program.levels, "categories": cats,
            "residents": [row.resident for row in shown],
            "matrix": [[counted.get((row.resident.id, category_key(c.code)), 0) for c in cats]
                       for row in shown],
            "volume": services.monthly_volume(program, cats)}


def ordered(rows: list[Row], sort: str, levels: list[str]) -> list[Row]:
    """The rows by name; by level (the program's order of levels), then name; or by
    standing (off pace first, then on pace, then every target met), then level and name."""
    def name(row: Row) -> str:
        return row.resident.label.casefold()

    def level(row: Row) -> int:
        return levels.index(row.resident.level) if row.resident.level in levels else len(levels)

    if sort == "level":
        return sorted(rows, key=lambda row: (level(row), name(row)))
    if sort == "status":
        return sorted(rows, key=lambda row: (STANDINGS.index(row.standing), level(row),
                                             name(row)))
    return sorted(rows, key=name)
