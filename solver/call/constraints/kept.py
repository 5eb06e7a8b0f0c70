"""Kept shifts: a call schedule made again keeps the shifts already worked."""

from __future__ import annotations

from ..context import CallModel


def add(m: CallModel) -> None:
    """Each shift that began before the day the call schedule is made again (`m.kept`:
    shift -> the residents who took it in the published call schedule) stays with exactly
    those residents; nobody else takes it. A shift worked is history: a new version that
    hands it to someone else rewrites a night someone already spent in the hospital
    (browser walk-through: 30 of 52 shifts of every past month changed hands). A shift
    nobody took there (a pool added since), or whose takers may no longer take it (the
    block schedule changed under it), is scheduled anew."""
    index = {resident.id: r for r, resident in enumerate(m.residents)}
    for s, takers in m.kept.items():
        rows = [index.get(rid) for rid in takers]
        if not takers or any(r is None or (r, s) not in m.take for r in rows):
            continue
        for r in range(len(m.residents)):
            if (r, s) in m.take:
                m.model.add(m.take[r, s] == int(r in rows))
