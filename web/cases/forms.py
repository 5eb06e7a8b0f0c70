"""Forms: logging a case (phone first), and an attending's verification."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..models.cases import CASE_ROLES, COMPLICATIONS


class CaseForm(FlaskForm):
    day = DateField("Date", default=date.today, validators=[InputRequired()])
    primary = SelectField("Primary procedure", coerce=int, validators=[InputRequired()])
    others = SelectMultipleField("Other procedures in the case (optional)", coerce=int,
                                 validators=[Optional()])
    role = SelectField("Your role", choices=[SelectChoice(r, r.capitalize())
                                             for r in CASE_ROLES])
    attending = SelectField("Attending", coerce=int)
    site = StringField("Site (blank: your rotation's)", validators=[Length(max=200)])
    complications = SelectField("Complications", choices=[
        SelectChoice(c, c.capitalize()) for c in COMPLICATIONS])
    patient_ref = StringField(
        "Your reference for the case (optional)", validators=[Length(max=24)],
        description="Never a name, MRN, date of birth or SSN: only a tag of your own, e.g. "
                    "K7. Only a scrambled form is stored, to spot cases logged twice.")
    notes = TextAreaField("Notes (no patient details)", validators=[Length(max=1000)])
    submit = SubmitField("Log case")

    def for_program(self, categories, attendings) -> CaseForm:
        choices = [SelectChoice(t.id, t.name, optgroup=c.name)
                   for c in categories for t in c.types]
        self.primary.choices = [SelectChoice(0, "—")] + choices
        self.others.choices = choices
        self.attending.choices = [SelectChoice(0, "—")] + [
            SelectChoice(u.id, u.name or u.email) for u in attendings]
        return self


class VerifyForm(FlaskForm):
    comment = StringField("Comment (needed to return a case)", validators=[Length(max=500)])


class CaseImportForm(FlaskForm):
    file = FileField("Case log (.csv or .xlsx)", validators=[
        FileRequired("Choose a CSV or Excel file."),
        FileAllowed(["csv", "xlsx"], "A case log file ends in .csv or .xlsx.")])
    submit = SubmitField("Import cases")
