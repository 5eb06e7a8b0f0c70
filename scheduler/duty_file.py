"""The duty file: every scheduled clinical period of every resident for the year.

`residency call` writes it and `residency duty-check` reads it back (a hand-edited one too):

    {"format": 1, "program": "...", "status": "OPTIMAL", "objective": 3, "best_bound": 3,
     "wall_time_s": 4.2,
     "duty": {"<resident id>": [{"start": "2027-07-05T07:00", "end": "2027-07-05T17:00",
                                 "kind": "day", "what": "CT"}, ...]},
     "unmet_requests": [4, 9],                 # positions in the file's [[call_request]]
     "fairness": {"R2": {"calls": [8, 9], "weekend": [3, 4], "holiday": [0, 1]}, ...},
     "calls": {"<resident id>": {"calls": 9, "weekend": 4, "holiday": 1}},
     "conflicts": [{"source": "duty.hours", "message": "..."}], "explanation": "...",
     "errors": [{"path": "call_request[2]", "message": "..."}]}

`kind` is one of `scheduler.call.DUTY_KINDS`: "day" (a rotation's working hours), "service"
(a weekly service's shift: night float), "call" (in-house call), "home_call" (call from home);
`what` is the rotation, service or call pool's code. Times are local wall-clock times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from .call import DutyKind
from .validation import FileError, _pydantic_errors

DUTY_FORMAT = 1
MAX_DUTY_FILE_BYTES = 40_000_000     # 500 residents' year of duty is about 15 MB


# A local wall-clock time to the minute, as the duty file writes it: '2027-07-05T07:00'.
Moment = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")]


class DutyPeriod(BaseModel):
    """One period of duty as the file lists it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    start: Moment
    end: Moment
    kind: DutyKind
    what: str


class _DutyFile(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    format: Literal[1] = 1
    program: str = ""
    status: str = "FEASIBLE"
    duty: dict[str, list[DutyPeriod]] = {}


@dataclass
class DutyFile:
    """A duty file's content."""

    program: str
    status: str
    objective: int | None = None
    best_bound: int | None = None
    wall_time_s: float = 0.0
    duty: dict[str, list[DutyPeriod]] = field(default_factory=dict)
    unmet_requests: list[int] = field(default_factory=list)
    fairness: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    explanation: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": DUTY_FORMAT,
            "program": self.program,
            "status": self.status,
            "objective": self.objective,
            "best_bound": self.best_bound,
            "wall_time_s": round(self.wall_time_s, 3),
            "duty": {rid: [p.model_dump() for p in periods]
                     for rid, periods in self.duty.items()},
            "unmet_requests": self.unmet_requests,
            "fairness": self.fairness,
            "calls": self.calls,
            "conflicts": self.conflicts,
            "explanation": self.explanation,
            "errors": self.errors,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1)


def parse_duty(raw: Any) -> tuple[DutyFile | None, list[FileError]]:
    """Read a duty file's parsed JSON: its periods (the rest is the solver's report)."""
    try:
        parsed = _DutyFile.model_validate(raw)
    except ValidationError as exc:
        return None, _pydantic_errors((), exc)
    return DutyFile(program=parsed.program, status=parsed.status, duty=parsed.duty), []


def load_duty_file(path: str | Path) -> tuple[DutyFile | None, list[FileError]]:
    """Read a duty file from disk, with errors instead of exceptions."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [FileError("", f"cannot read {path}: {exc.strerror}")]
    if len(data) > MAX_DUTY_FILE_BYTES:
        return None, [FileError("", f"the duty file is larger than "
                                    f"{MAX_DUTY_FILE_BYTES // 1_000_000} MB")]
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [FileError("", f"not JSON: {exc}")]
    return parse_duty(raw)
