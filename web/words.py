"""The solver's answers as people say them: a chief reads "best possible (proven)", not the
solver's OPTIMAL. Every page and the job page's live line use these words; files and the API
keep the codes."""

from __future__ import annotations

STATUS_WORDS = {
    "OPTIMAL": "best possible (proven)",
    "FEASIBLE": "a schedule, not proven the best",
    "INFEASIBLE": "no schedule exists",
    "UNKNOWN": "none found in the time",
    "MODEL_INVALID": "the program could not be solved",
}


def status_in_words(status: str | None) -> str:
    """The solver's status in words ('' for none; an unknown code as it is)."""
    if not status:
        return ""
    return STATUS_WORDS.get(status, status)
