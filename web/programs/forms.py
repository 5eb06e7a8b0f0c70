"""Forms for a program's year settings and for importing a program file."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from scheduler.calendar import BLOCKS_PER_YEAR, CALENDAR_NAMES, CALENDARS

from .. import clock
from ..names import NAME


class SettingsForm(FlaskForm):
    name = StringField("Program name", filters=NAME, validators=[DataRequired(), Length(max=200)])
    year_start = DateField("Academic year starts", validators=[InputRequired()])
    calendar = SelectField("Blocks", choices=[
        SelectChoice(kind, f"{CALENDAR_NAMES[kind]} ({BLOCKS_PER_YEAR[kind]} blocks)")
        for kind in CALENDARS])
    levels = StringField("Levels, lowest first", filters=NAME, validators=[DataRequired()],
                         description="Comma-separated, e.g. R1, R2, R3, R4, R5")
    tracks = StringField("Tracks", filters=NAME, validators=[DataRequired()],
                         description="Comma-separated, e.g. IR, DR, ESIR")
    vacation_weeks = IntegerField("Vacation weeks per resident",
                                  validators=[InputRequired(), NumberRange(0, 52)])
    max_vacation_weeks_per_block = IntegerField(
        "Most vacation weeks in one block", validators=[InputRequired(), NumberRange(0, 5)])
    change_weight = IntegerField("Cost of one changed block when re-solving",
                                 validators=[InputRequired(), NumberRange(0, 1_000_000)])
    final_level = StringField("Each track's last level (blank: every track to the last level)",
                              filters=NAME, validators=[Optional(), Length(max=500)],
                              description="e.g. DR = R4, ESIR = R4: DR and ESIR residents "
                                          "graduate after R4")
    holidays = TextAreaField("Holidays (not working days)", validators=[Optional(),
                                                                      Length(max=4000)],
                             description="Dates, comma-separated or one per line, e.g. "
                                         "2027-11-25, 2027-12-24")
    split_blocks = BooleanField("Split blocks: a block may be shared half and half by two "
                                "rotations marked 'may fill half a block'")
    time_zone = SelectField("Time zone", validate_choice=True,
                            description="Where the program works: its call shifts, its "
                                        "'today' and the times pages show are this zone's")
    submit = SubmitField("Save settings")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = clock.zone_choices()


class ImportForm(FlaskForm):
    file = FileField("Program file (.toml)", validators=[
        FileRequired("Choose a program file."),
        FileAllowed(["toml"], "A program file ends in .toml.")])
    submit = SubmitField("Import")
