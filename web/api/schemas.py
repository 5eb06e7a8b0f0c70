"""The API's shapes (marshmallow), which also make its OpenAPI document."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, validate

from scheduler.calendar import MAX_BLOCKS

NO_NUL = validate.Regexp(r"^[^\x00]*$", error="text cannot contain a NUL character")


class Text(fields.Str):
    """Text a caller sends: the database cannot keep a NUL character (PostgreSQL refuses it,
    SQLite cuts the text there), so one is refused here, and the document says so."""

    def __init__(self, *, validate: Any = (), **kwargs: Any) -> None:
        extra = [validate] if callable(validate) else list(validate)
        super().__init__(validate=[NO_NUL, *extra], **kwargs)


class UtcDateTime(fields.DateTime):
    """A moment in ISO 8601 with its UTC offset, as the document promises: stored times are
    UTC, but SQLite gives them back without their zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ProgramSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str()
    year_start = fields.Date(allow_none=True)
    calendar = fields.Str()
    levels = fields.List(fields.Str())
    tracks = fields.List(fields.Str())
    vacation_weeks = fields.Int()
    time_zone = fields.Str(metadata={"description": "the IANA time zone the program works in "
                                                    "(its own or the installation's): call "
                                                    "shift times are its wall-clock times"})
    roles = fields.List(fields.Str(), metadata={"description": "your roles in the program"})


class ResidentSchema(Schema):
    id = fields.Int()
    key = fields.Str(metadata={"description": "the resident's id in program files"})
    name = fields.Str()
    level = fields.Str()
    track = fields.Str()
    vacation_weeks = fields.Int(allow_none=True)
    history = fields.Dict(keys=fields.Str(), values=fields.Int())


class RequestSchema(Schema):
    id = fields.Int(dump_only=True)
    resident = fields.Str(dump_only=True, attribute="resident.key")
    kind = fields.Str(required=True, validate=validate.OneOf(["vacation", "assign", "avoid"]))
    details = fields.Dict(dump_only=True, metadata={
        "description": "weeks (first days, ISO dates), rotation or group, blocks"})
    weight = fields.Int(load_default=1, validate=validate.Range(1, 5))
    status = fields.Str(dump_only=True)
    reason = fields.Str(dump_only=True)
    note = Text(load_default="", validate=validate.Length(max=500))


class NewRequestSchema(RequestSchema):
    weeks = fields.List(fields.Int(validate=validate.Range(1, 52)), load_default=list,
                        metadata={"description": "vacation: week numbers of the year"})
    target = Text(load_default="", metadata={"description": "assign/avoid: a rotation "
                                                            "code or group name"})
    blocks = fields.List(fields.Int(validate=validate.Range(1, MAX_BLOCKS)), load_default=list)


class DecisionSchema(Schema):
    decision = fields.Str(required=True,
                          validate=validate.OneOf(["approved", "wish", "declined"]))
    reason = Text(load_default="", validate=validate.Length(max=500))


class ScheduleSummarySchema(Schema):
    id = fields.Int()
    state = fields.Str()
    version = fields.Int(allow_none=True)
    note = fields.Str()
    created_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)
    objective = fields.Int(allow_none=True, attribute="data.objective")


class ScheduleSchema(ScheduleSummarySchema):
    schedule = fields.Dict(attribute="data", metadata={
        "description": "the schedule file (format 1): residents' rotations and vacation weeks"})


class NewSolveSchema(Schema):
    time_limit = fields.Int(load_default=60, validate=validate.Range(5, 600))
    freeze_through = fields.Int(load_default=0, validate=validate.Range(0, 12), metadata={
        "description": "re-solve mid-year: keep blocks 1..K of the latest published version"})


class SolveJobSchema(Schema):
    id = fields.Int()
    state = fields.Str()
    solver_status = fields.Str(allow_none=True)
    objective = fields.Int(allow_none=True)
    best_bound = fields.Int(allow_none=True)
    time_limit = fields.Float()
    progress = fields.List(fields.List(fields.Float(allow_none=True)), metadata={
        "description": "[seconds, penalty of the best schedule, proven lower bound]"})
    conflicts = fields.List(fields.Dict())
    message = fields.Str()
    schedule_id = fields.Int(allow_none=True)
    created_at = UtcDateTime()
    finished_at = UtcDateTime(allow_none=True)
    queue_position = fields.Method("_queue_position", metadata={
        "description": "solves waiting before this one for a free solver"})

    def _queue_position(self, job) -> int:
        from ..schedules.solving import queue_position

        return queue_position(job)


class ErrorSchema(Schema):
    code = fields.Int()
    status = fields.Str()
    message = fields.Str()


class CaseSchema(Schema):
    id = fields.Int(dump_only=True)
    resident = fields.Str(dump_only=True, attribute="resident.key")
    day = fields.Date(required=True)
    primary = Text(required=True, load_only=True,
                   metadata={"description": "procedure type code of the primary"})
    others = fields.List(Text(), load_default=list, load_only=True)
    procedures = fields.Method("_procedures", dump_only=True)
    role = fields.Str(load_default="primary",
                      validate=validate.OneOf(["primary", "assistant", "observer"]))
    attending = fields.Email(load_default=None, allow_none=True, load_only=True)
    site = Text(load_default="", validate=validate.Length(max=200))
    rotation = fields.Str(dump_only=True)
    complications = fields.Str(load_default="none",
                               validate=validate.OneOf(["none", "minor", "major"]))
    patient_ref = Text(load_default="", load_only=True, metadata={
        "description": "a tag of your own (never PHI); only a keyed hash is kept"})
    notes = Text(load_default="", validate=validate.Length(max=1000))
    state = fields.Str(dump_only=True)
    comment = fields.Str(dump_only=True, metadata={
        "description": "the attending's comment when they returned the case; kept when the "
                       "resident sends it back fixed, cleared when it is verified"})

    def _procedures(self, case) -> list[str]:
        return [p.type.code for p in case.procedures]


class CaseEditSchema(CaseSchema):
    """A case sent again in full, to replace what its resident logged (until it is
    verified)."""

    patient_ref = Text(load_default="", load_only=True, metadata={
        "description": "a new tag of your own (never PHI); blank keeps the one given before"})
    forget_reference = fields.Bool(load_default=False, load_only=True, metadata={
        "description": "drop the reference given before"})


class VerificationSchema(Schema):
    verified = fields.Bool(required=True)
    comment = Text(load_default="", validate=validate.Length(max=500))


class MeasureSchema(Schema):
    target = fields.Str(attribute="target.name")
    confirmed = fields.Bool(attribute="target.confirmed")
    count = fields.Int(attribute="target.count")
    done = fields.Int()
    met = fields.Bool()
    projected = fields.Int(allow_none=True, metadata={
        "description": "cases expected by graduation at this pace (for a windowed target "
                       "such as MQSA's: in its best window); none without a projection"})
    pace = fields.Str(allow_none=True, metadata={
        "description": "the projection in words, e.g. 'At this pace, 430 of 500 by June "
                       "2029; 2 more IR-U blocks close the gap.'"})
