"""The domain of a residency program's year: calendar, rotations, rules, requests, schedules.

Pure Python: no web framework, no database, no solver.
"""

from .program import Program
from .schedule import Assignment, Schedule, load_schedule_file
from .validation import FileError, LoadResult, load_program, load_program_file, load_program_text

__all__ = [
    "Assignment",
    "FileError",
    "LoadResult",
    "Program",
    "Schedule",
    "load_program",
    "load_program_file",
    "load_program_text",
    "load_schedule_file",
]
