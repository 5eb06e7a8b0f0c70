"""How long a resident still trains: graduation comes at the end of the academic year in
which they hold their final level."""

from __future__ import annotations

from datetime import date


def graduation(year_end: date, levels: list[str], level: str,
               final_level: str | None = None) -> date | None:
    """The last day of the resident's final year: this academic year's last day, one year
    later for each level between `level` and the final one (`final_level`, a track's own,
    or else the last of `levels`). None for a level the program does not have."""
    final = final_level if final_level is not None else (levels[-1] if levels else None)
    if level not in levels or final not in levels:
        return None
    years_left = max(0, levels.index(final) - levels.index(level))
    return year_end.replace(year=year_end.year + years_left)
