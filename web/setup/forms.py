"""Set-up forms. WTForms checks each field's type and range; the engine's validator then
checks the entry against the whole program (see `web.setup`)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.schema import RULE_KINDS

from ..choices import target_choices
from ..names import NAME

CODE = Regexp(r"^[A-Za-z0-9_-]+$", message="Letters, digits, '-' and '_' only.")


class CheckboxList(SelectMultipleField):
    """Several choices as checkboxes; none ticked means 'everyone'."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(values: list[str]) -> list[SelectChoice]:
    return [SelectChoice(v, v) for v in values]


class RotationForm(FlaskForm):
    code = StringField("Code", filters=NAME, validators=[DataRequired(), Length(max=64), CODE])
    name = StringField("Name", filters=NAME, validators=[Length(max=200)])
    site = StringField("Site", filters=NAME, validators=[Length(max=200)])
    groups = StringField("Groups", filters=NAME, validators=[Length(max=500)],
                         description="Comma-separated group names, e.g. IR, CLINICAL")
    min = IntegerField("At least (residents per block)", default=0,
                       validators=[InputRequired(), NumberRange(0, 100_000)])
    max = IntegerField("At most (blank: no limit)",
                       validators=[Optional(), NumberRange(0, 100_000)])
    min_present = IntegerField("Present every working day, at least", default=0,
                               validators=[InputRequired(), NumberRange(0, 100_000)])
    levels = CheckboxList("Levels (none ticked: every level)")
    tracks = CheckboxList("Tracks (none ticked: every track)")
    vacation = BooleanField("Vacation weeks may fall on it", default=True)
    split = BooleanField("May fill half a block (needs split blocks in the year settings)")
    submit = SubmitField("Save rotation")

    def for_program(self, program) -> RotationForm:
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        return self


class ResidentForm(FlaskForm):
    key = StringField("Id", filters=NAME, validators=[DataRequired(), Length(max=100)],
                      description="Short and unique, e.g. a surname; used in files")
    name = StringField("Name", filters=NAME, validators=[Length(max=200)])
    level = SelectField("Level")
    track = SelectField("Track")
    vacation_weeks = IntegerField("Vacation weeks (blank: the program's)",
                                  validators=[Optional(), NumberRange(0, 52)])
    max_vacation_weeks_per_block = IntegerField(
        "Most vacation weeks in one block (blank: the program's)",
        validators=[Optional(), NumberRange(0, 5)],
        description="e.g. 2 for a wedding or parental leave")
    history = StringField("Blocks done in earlier years", filters=NAME,
                          validators=[Length(max=1000)],
                          description="e.g. NM = 2, BREAST = 1 (rotation codes or groups)")
    account = StringField("Account e-mail (optional)", validators=[Length(max=254)],
                          description="The resident signs in with it to see their schedule "
                                      "and send requests; it needs the resident role here")
    submit = SubmitField("Save resident")

    def for_program(self, program) -> ResidentForm:
        self.level.choices = _choices(program.levels)
        self.track.choices = _choices(program.tracks)
        return self


class CsvImportForm(FlaskForm):
    file = FileField("Residents (.csv)", validators=[
        FileRequired("Choose a CSV file."), FileAllowed(["csv"], "A CSV file ends in .csv.")])
    submit = SubmitField("Import residents")


class RequirementForm(FlaskForm):
    name = StringField("Name (shown in explanations)", filters=NAME, validators=[Length(max=200)])
    target = SelectField("Rotation, group or weekly service", validators=[DataRequired()],
                         description="A weekly service is counted in weeks")
    levels = CheckboxList("Levels it binds (none ticked: every level)")
    tracks = CheckboxList("Tracks it binds (none ticked: every track)")
    exactly = IntegerField("Exactly (blocks)", validators=[Optional(), NumberRange(0, 1000)])
    min = IntegerField("At least (blocks)", validators=[Optional(), NumberRange(0, 1000)])
    max = IntegerField("At most (blocks)", validators=[Optional(), NumberRange(0, 1000)])
    scope = SelectField("Counted over", choices=[
        SelectChoice("year", "this year"),
        SelectChoice("residency", "the whole residency (earlier years' history included)")])
    hard = BooleanField("Must hold (untick for a soft requirement with a weight)",
                        default=True)
    weight = IntegerField("Weight per block short or over (soft only)",
                          validators=[Optional(), NumberRange(0, 1_000_000)])
    submit = SubmitField("Save requirement")

    def for_program(self, program) -> RequirementForm:
        self.target.choices = target_choices(program)
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        return self


RULE_CHOICES = [SelectChoice(kind, model.label) for kind, model in RULE_KINDS.items()]


class RuleForm(FlaskForm):
    kind = SelectField("Kind", choices=RULE_CHOICES, validators=[DataRequired()])
    name = StringField("Name (shown in explanations)", filters=NAME, validators=[Length(max=200)])
    target = SelectField("Rotation or group", validators=[DataRequired()])
    levels = CheckboxList("Levels it binds (none ticked: every level)")
    tracks = CheckboxList("Tracks it binds (none ticked: every track)")
    min = IntegerField("Coverage: at least", validators=[Optional(), NumberRange(0, 100_000)])
    max = IntegerField("Coverage: at most", validators=[Optional(), NumberRange(0, 100_000)])
    blocks = CheckboxList("Coverage: in blocks (none ticked: every block)", coerce=int)
    run = IntegerField("Consecutive: N blocks", validators=[Optional(), NumberRange(1, 1000)])
    requires = SelectField("Prerequisite: after", validators=[Optional()])
    hard = BooleanField("Must hold (untick for a soft rule with a weight)", default=True)
    weight = IntegerField("Weight (soft only)", validators=[Optional(),
                                                           NumberRange(0, 1_000_000)])
    submit = SubmitField("Save rule")

    def for_program(self, program, blocks: int) -> RuleForm:
        self.target.choices = target_choices(program)
        self.requires.choices = [SelectChoice("", "—")] + target_choices(program,
                                                                           services=False)
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        self.blocks.choices = [SelectChoice(b, str(b)) for b in range(1, blocks + 1)]
        return self


class BlackoutForm(FlaskForm):
    name = StringField("Name (shown in explanations)", filters=NAME, validators=[Length(max=200)],
                       description="e.g. R1 orientation, ABR Core exam")
    first = DateField("From", validators=[InputRequired()])
    last = DateField("To (inclusive)", validators=[InputRequired()])
    levels = CheckboxList("Levels it binds (none ticked: every level)")
    tracks = CheckboxList("Tracks it binds (none ticked: every track)")
    hard = BooleanField("No vacation at all (untick: discouraged, at a weight per week)",
                        default=True)
    weight = IntegerField("Weight per vacation week touching it (soft only)",
                          validators=[Optional(), NumberRange(0, 1_000_000)])
    submit = SubmitField("Save blackout")

    def for_program(self, program) -> BlackoutForm:
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        return self


class AwayLimitForm(FlaskForm):
    name = StringField("Name (shown in explanations)", filters=NAME, validators=[Length(max=200)],
                       description="e.g. At most 4 away")
    max = IntegerField("At most this many residents on vacation on any working day",
                       validators=[InputRequired(), NumberRange(0, 100_000)])
    target = SelectField("Counting only residents on (blank: everyone)",
                         validators=[Optional()])
    levels = CheckboxList("Levels it counts (none ticked: every level)")
    tracks = CheckboxList("Tracks it counts (none ticked: every track)")
    hard = BooleanField("Must hold (untick: a weight per resident over, per week)",
                        default=True)
    weight = IntegerField("Weight (soft only)", validators=[Optional(),
                                                           NumberRange(0, 1_000_000)])
    submit = SubmitField("Save away limit")

    def for_program(self, program) -> AwayLimitForm:
        self.target.choices = [SelectChoice("", "—")] + target_choices(program, services=False)
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        return self


class ServiceForm(FlaskForm):
    code = StringField("Code", filters=NAME, validators=[DataRequired(), Length(max=64), CODE],
                       description="e.g. NF; not a rotation's code")
    name = StringField("Name", filters=NAME, validators=[Length(max=200)],
                       description="e.g. Night float")
    min = IntegerField("At least (residents on it each week)", default=0,
                       validators=[InputRequired(), NumberRange(0, 100_000)])
    max = IntegerField("At most (blank: no limit)",
                       validators=[Optional(), NumberRange(0, 100_000)])
    levels = CheckboxList("Levels who may serve (none ticked: every level)")
    tracks = CheckboxList("Tracks who may serve (none ticked: every track)")
    not_from = CheckboxList("Never pulled from (rotations or groups)")
    weeks = StringField("Weeks it runs (blank: every week)", filters=NAME,
                        validators=[Length(max=500)],
                        description="Week numbers or ranges, e.g. 1-26, 40")
    submit = SubmitField("Save service")

    def for_program(self, program) -> ServiceForm:
        self.levels.choices = _choices(program.levels)
        self.tracks.choices = _choices(program.tracks)
        self.not_from.choices = target_choices(program, services=False)
        return self


POLICY_FORMS: dict[str, Any] = {"blackout": BlackoutForm, "away_limit": AwayLimitForm,
                                "service": ServiceForm}
