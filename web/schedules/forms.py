"""Forms: starting a solve, changing a grid cell."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from scheduler.calendar import MAX_BLOCKS

from ..names import NAME


class GenerateForm(FlaskForm):
    time_limit = IntegerField("Search for at most (seconds)", default=60,
                              validators=[InputRequired(), NumberRange(5, 600)])
    freeze_through = IntegerField(
        "Re-solve mid-year: keep blocks 1 to", validators=[Optional(), NumberRange(1, 12)],
        description="Leave blank for a new schedule. With a block number, blocks up to it "
                    "stay exactly as published and later ones change as little as possible.")
    submit = SubmitField("Generate schedule")


class CellForm(FlaskForm):
    """A chief's change of one grid cell: whose, which block, which rotation and, to split
    the block, which split rotation for its second half. Names are normalised here, where
    they enter; the grid's filters (level, track) come along to return to the same view."""

    resident = StringField("Resident", filters=NAME,
                           validators=[DataRequired(), Length(max=100)])
    block = IntegerField("Block", validators=[InputRequired(), NumberRange(1, MAX_BLOCKS)])
    rotation = StringField("Rotation", filters=NAME, validators=[DataRequired(), Length(max=64)])
    second = StringField("Second half", filters=NAME, validators=[Optional(), Length(max=64)])
    revision = IntegerField("Revision", validators=[InputRequired()])
    undo = BooleanField("Undo")      # the grid's Undo button: puts back the latest change
    level = StringField(filters=NAME, validators=[Optional(), Length(max=64)])
    track = StringField(filters=NAME, validators=[Optional(), Length(max=64)])
