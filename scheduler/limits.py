"""How much one program may hold on this installation: the size of the work a program file
(or the web app's set-up) can ask of the solver and the database. Set in `config.toml`'s
`[limits]` table; a file over a limit is INVALID, with an error naming the limit and the
value, before anything is solved."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Limit = Annotated[int, Field(ge=1, le=1_000_000)]


class Limits(BaseModel):
    """Entries per program, at most. The defaults hold the largest departments we plan for
    (500 residents solve in under a minute in 1.2 GB) with room to spare."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    residents: Limit = 1_000
    rotations: Limit = 200
    requirements: Limit = 1_000
    rules: Limit = 1_000
    requests: Limit = 10_000
    blackouts: Limit = 200
    away_limits: Limit = 200
    services: Limit = 50

    def exceeded(self, counts: dict[str, int]) -> list[tuple[str, str]]:
        """(section, message) for each section with more entries than its limit."""
        found = []
        for section, limit in (("resident", self.residents), ("rotation", self.rotations),
                               ("requirement", self.requirements), ("rule", self.rules),
                               ("request", self.requests), ("blackout", self.blackouts),
                               ("away_limit", self.away_limits), ("service", self.services)):
            count = counts.get(section, 0)
            if count > limit:
                key = "residents" if section == "resident" else f"{section}s"
                found.append((section, f"{count:,} {section} entries; this installation takes "
                                       f"at most {limit:,} per program (limits.{key} in "
                                       "config.toml)"))
        return found


DEFAULT_LIMITS = Limits()
