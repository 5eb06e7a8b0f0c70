"""Forms: a resident's request, and the chief's decision on one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .. import clock
from ..choices import closed_to, target_choices
from .services import WEIGHTS, block_choices, week_choices

KINDS = [SelectChoice("vacation", "Vacation weeks"),
         SelectChoice("assign", "A rotation in given blocks"),
         SelectChoice("avoid", "Not a rotation (in given blocks, or all year)")]


class RequestForm(FlaskForm):
    kind = SelectField("I ask for", choices=KINDS, validators=[InputRequired()])
    weeks = SelectMultipleField("Weeks", coerce=int, validators=[Optional()],
                                description="Monday to Sunday. To choose more than one: on a "
                                            "phone, tap each week; on a computer, hold Ctrl "
                                            "(⌘ on a Mac) and click each")
    target = SelectField("Rotation, group or weekly service", validators=[Optional()])
    blocks = SelectMultipleField("Blocks", coerce=int, validators=[Optional()])
    weight = SelectField("How much it matters", coerce=int,
                         choices=[SelectChoice(w, f"{w} point{'s' if w > 1 else ''}")
                                  for w in WEIGHTS])
    note = TextAreaField("Note for the chief (optional)", validators=[Length(max=500)])
    submit = SubmitField("Send request")

    def for_program(self, program, resident=None) -> RequestForm:
        """Choices from the program; with `resident`, a rotation, group or weekly service
        that never takes them shows as such and cannot be chosen (night float for an R4,
        an ESIR rotation for a DR resident)."""
        self.weeks.choices = [   # weeks already begun stay in the list, greyed out
            SelectChoice(w, f"{label} — too late", render_kw={"disabled": True}) if begun
            else SelectChoice(w, label)
            for w, label, begun in week_choices(program, clock.today())]
        offered = target_choices(program)
        if resident is not None:
            closed = closed_to(program, resident)
            offered = [SelectChoice(c.value, f"{c.label} — not for {resident.level} "
                                    f"{resident.track} residents", render_kw={"disabled": True})
                       if c.value in closed else c for c in offered]
        self.target.choices = [SelectChoice("", "—")] + offered
        self.blocks.choices = [   # so do blocks already over
            SelectChoice(b, f"{label} — over", render_kw={"disabled": True}) if over
            else SelectChoice(b, label)
            for b, label, over in block_choices(program, clock.today())]
        return self


class DecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=[
        SelectChoice("approved", "Approve (must hold)"),
        SelectChoice("wish", "Keep as a wish (soft)"),
        SelectChoice("declined", "Decline")], validators=[InputRequired()])
    reason = StringField("Reason (needed to decline)", validators=[Length(max=500)])
    submit = SubmitField("Decide")
