"""Forms: starting a call solve, offering a shift or service weeks, a chief's edit."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from scheduler.calendar import MAX_WEEKS

from ..names import NAME


class CallGenerateForm(FlaskForm):
    """Which published block version to schedule call on, and for how long to search."""

    version = SelectField("On the block schedule", coerce=int, validators=[InputRequired()])
    time_limit = IntegerField("Search for at most (seconds)", default=60,
                              validators=[InputRequired(), NumberRange(5, 600)])
    submit = SubmitField("Generate call schedule")


class OfferForm(FlaskForm):
    """A resident offers one of their call shifts: which pool, starting when (as the call
    schedule writes it, '2027-07-10T07:00')."""

    pool = StringField("Pool", filters=NAME, validators=[DataRequired(), Length(max=64)])
    start = StringField("Start", validators=[DataRequired(), Regexp(
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", message="not a shift's start")])


class WeekOfferForm(FlaskForm):
    """A resident offers weeks of a weekly service they are on: which service, from which
    week to which (one week: the same twice)."""

    service = StringField("Service", filters=NAME, validators=[DataRequired(), Length(max=64)])
    first_week = IntegerField("First week", validators=[InputRequired(),
                                                        NumberRange(1, MAX_WEEKS)])
    last_week = IntegerField("Last week", validators=[InputRequired(),
                                                      NumberRange(1, MAX_WEEKS)])


class ShiftEditForm(FlaskForm):
    """A chief's change to a call draft: which pool's shift on which day goes to whom."""

    day = DateField("Day", validators=[InputRequired()])
    pool = SelectField("Pool", validators=[InputRequired()])
    resident = SelectField("Resident", validators=[InputRequired()])
    revision = IntegerField("Revision", validators=[InputRequired()])
