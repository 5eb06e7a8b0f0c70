"""A resident's cumulative cases against a target, drawn on the server as an SVG: the page
needs no charting library, so My progress draws at once on a slow phone connection
(Plotly's bundle alone took a first visit past 3 s on "Fast 3G").

`geometry(curve)` turns one curve (months with cumulative counts, the projection to
graduation, the target) into coordinates in a 640 x 220 box; the template draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


@dataclass(frozen=True)
class Curve:
    """What the template draws: polyline points ("x,y x,y"), the target line's height, and
    the axis labels with their positions."""

    logged: str
    projection: str
    target_y: float
    ticks: list[tuple[float, str]]       # (y, label) on the left
    first: str
    last: str
    peak: int


def geometry(curve: dict[str, Any]) -> Curve:
    """Coordinates of one curve: the logged count as steps month by month, the dashed
    projection from today to graduation, the dotted target line."""
    months = [date.fromisoformat(m) for m in curve["months"]]
    (today, done), (end, projected) = ((date.fromisoformat(d), v)
                                       for d, v in curve["projection"])
    start = min([*months, today])
    finish = max(end, today, *months) if months else max(end, today)
    span = max((finish - start).days, 1)
    peak = max([curve["count"], projected, done, *curve["cumulative"], 1])
    top = peak * 1.1

    def x(day: date) -> float:
        return round(LEFT + (day - start).days / span * (WIDTH - LEFT - RIGHT), 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - value / top * (HEIGHT - TOP - BOTTOM), 1)

    steps: list[str] = []
    before = 0
    for month, count in zip(months, curve["cumulative"], strict=True):
        steps += [f"{x(month)},{y(before)}", f"{x(month)},{y(count)}"]
        before = count
    if months:
        steps.append(f"{x(today)},{y(before)}")
    ticks = [(y(v), str(v)) for v in sorted({0, curve["count"]})]
    return Curve(logged=" ".join(steps),
                 projection=f"{x(today)},{y(done)} {x(end)},{y(projected)}",
                 target_y=y(curve["count"]), ticks=ticks,
                 first=start.strftime("%b %Y"), last=finish.strftime("%b %Y"),
                 peak=int(peak))
