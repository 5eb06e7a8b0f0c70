"""Case-log deficits back into the scheduler: residents behind pace on a target get weighted
wishes (soft `assign` requests) for blocks on the rotation that yields those cases most.

`proposals` says, for every resident off pace, which rotation would close the gap, how many
more blocks it takes (`caselog.pace`), and which of this year's blocks not yet begun could
hold them: blocks where the published schedule has the resident elsewhere, spread over the
rest of the year. The chief sees them, picks, sets the weight, and `add_wishes` turns the
picks into wishes on the requests page — editable there like any other — before solving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.schedule import as_file, halves

from .. import clock
from ..entries import Outcome, save_entry
from ..models import Program, Request, Resident
from ..models.columns import now
from ..program_file import next_position, solved_requests
from ..schedules.services import latest_published
from ..transaction import kept_if_ok
from . import pace, services, tally

NOTE = "Case-log deficit"


@dataclass
class Proposal:
    resident: Resident
    target: str
    sentence: str
    rotation: str
    needed: int            # more blocks on `rotation` that close the gap
    blocks: list[int]      # blocks proposed (fewer than needed when the year is short)


def _spread(candidates: list[int], k: int) -> list[int]:
    """`k` of the candidate blocks, spread evenly over them."""
    if k >= len(candidates):
        return list(candidates)
    step = len(candidates) / k
    return [candidates[int(i * step + step / 2)] for i in range(k)]


def proposals(program: Program, today: date | None = None) -> list[Proposal]:
    """For each resident and target off pace: the best rotation and the blocks to ask for
    (one proposal per resident and rotation: the largest need among their targets)."""
    today = today or clock.today()
    if program.year_start is None:
        return []
    residents = list(program.residents)
    measures = services.measures_for(program, residents)
    projected = pace.projections(program, residents, measures, tally.totals(program), today)
    published = latest_published(program)
    rows = as_file(published.data).residents if published is not None else {}
    ahead = [b for b in program.year_calendar.blocks if b.start > today]
    asked = {(r.resident_id, r.details.get("rotation"), b) for r in program.requests
             if r.kind == "assign" and r.status != "declined"
             for b in r.details.get("blocks", [])}
    found: dict[tuple[int, str], Proposal] = {}
    for resident in residents:
        row = rows.get(resident.key)
        for projection in projected[resident.id]:
            needed = projection.blocks_to_close
            if not needed or projection.best is None:
                continue
            rotation = projection.best[0]
            free = [b.index for b in ahead
                    if (row is None or rotation not in halves(row.rotations[b.index - 1]))
                    and (resident.id, rotation, b.index) not in asked]
            old = found.get((resident.id, rotation))
            if old is None or needed > old.needed:
                found[(resident.id, rotation)] = Proposal(
                    resident, projection.target.name, projection.sentence(), rotation,
                    needed, _spread(free, needed))
    return sorted(found.values(), key=lambda p: (p.resident.position, p.rotation))


@kept_if_ok
def add_wishes(program: Program, picks: list[tuple[int, str, int]], weight: int,
               user) -> Outcome:
    """Wishes (soft assign requests of `weight`) for the picked (resident id, rotation,
    block)s, each checked as the program file would check it. Flushes."""
    if not 1 <= weight <= 100:
        return Outcome(field_errors={"weight": ["a weight from 1 to 100"]})
    residents = {r.id: r for r in program.residents}
    reasons = {(p.resident.id, p.rotation): p for p in proposals(program)}
    for resident_id, rotation, block in picks:
        resident = residents.get(resident_id)
        if resident is None:
            return Outcome(field_errors={"": ["that resident is not in this program"]})
        why = reasons.get((resident_id, rotation))
        row = Request(resident=resident, kind="assign", weight=weight, from_resident=False,
                      details={"rotation": rotation, "blocks": [block]},
                      note=f"{NOTE}: {why.target}. {why.sentence}" if why else NOTE,
                      position=next_position(Request, program))

        def change(row: Request) -> None:
            row.status = "wish"
            row.decided_at = now()
            row.decided_by_id = user.id

        outcome = save_entry(program, "request", row, program.requests, change,
                             locate=lambda r: f"request[{solved_requests(program).index(r)}]")
        if not outcome.ok:
            return outcome
    return Outcome()
