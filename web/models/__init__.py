"""Database models. Integrity lives in the schema as well as in code: unique, check and
foreign-key constraints (SQLite enforces foreign keys too, see `create_app`).

- `accounts`: people and their roles in each program.
- `program`: a program and its set-up, entry for entry as the program file has it.
- `requests`: residents' vacation and rotation requests and the chief's decisions.
- `schedules`: draft and published schedules, and the solve jobs that make them.
- `cases`: each program's procedure catalogue and targets, and logged cases.
- `audit`: the append-only log of publishes, verifications, decisions and role changes.
"""

from ..extensions import db
from .accounts import ROLE_NAMES, ROLES, ApiToken, Membership, Notification, User, UserSession
from .audit import AUDIT_ACTIONS, AUDIT_WORDS, AuditEvent
from .cases import (
    Case,
    CaseDayTally,
    CaseFavourite,
    CaseProcedure,
    CaseTally,
    CaseTarget,
    ProcedureCategory,
    ProcedureType,
)
from .program import AwayLimit, Blackout, Program, Requirement, Resident, Rotation, Rule, Service
from .requests import REQUEST_STATUS_WORDS, REQUEST_STATUSES, Request
from .schedules import CallSchedule, CallSwap, Schedule, SolveJob

__all__ = ["AUDIT_ACTIONS", "AUDIT_WORDS", "ROLE_NAMES", "ROLES", "REQUEST_STATUS_WORDS",
           "REQUEST_STATUSES",
           "ApiToken", "AuditEvent", "AwayLimit", "Blackout", "CallSchedule", "CallSwap", "Case",
           "CaseDayTally", "CaseFavourite", "CaseProcedure", "CaseTally", "CaseTarget",
           "Membership", "Notification", "ProcedureCategory", "ProcedureType", "Program", "Request",
           "Requirement", "Resident", "Rotation", "Rule", "Schedule", "Service", "SolveJob", "User",
           "UserSession"]

# An id is never given twice, so a page loaded before an entry was deleted cannot act on a
# new entry that took its number: on SQLite every table with a whole-number id counts on
# from the highest it ever gave (AUTOINCREMENT; migration 1d7a5e3c9b20 rebuilt the tables),
# as PostgreSQL's sequences do.
for _table in db.metadata.tables.values():
    _table.dialect_options["sqlite"]["autoincrement"] = True

# Registers the listener that gives every new program its case-log catalogue.
from . import default_catalogue  # noqa: E402,F401
