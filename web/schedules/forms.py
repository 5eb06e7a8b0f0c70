"""Forms: starting a solve."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional


class GenerateForm(FlaskForm):
    time_limit = IntegerField("Search for at most (seconds)", default=60,
                              validators=[InputRequired(), NumberRange(5, 600)])
    freeze_through = IntegerField(
        "Re-solve mid-year: keep blocks 1 to", validators=[Optional(), NumberRange(1, 12)],
        description="Leave blank for a new schedule. With a block number, blocks up to it "
                    "stay exactly as published and later ones change as little as possible.")
    submit = SubmitField("Generate schedule")
