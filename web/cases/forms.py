"""Forms: logging a case (phone first), and an attending's verification."""

from __future__ import annotations

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
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from .. import clock
from ..models.cases import CASE_ROLES, COMPLICATIONS


class CaseForm(FlaskForm):
    day = DateField("Date", default=clock.today, validators=[InputRequired()])
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


class CaseEditForm(CaseForm):
    """The case form again, for a case already logged: only a scrambled form of its patient
    reference is kept, so the box starts blank and blank keeps it."""

    patient_ref = StringField(
        "Your reference for the case (optional)", validators=[Length(max=24)],
        description="Blank keeps the reference given before (only a scrambled form is "
                    "stored, so it cannot be shown). Never a name, MRN, date of birth or "
                    "SSN.")
    forget_reference = BooleanField("Forget the reference given before")


class VerifyForm(FlaskForm):
    comment = StringField("Comment (needed to return a case)", validators=[Length(max=500)])


class CaseImportForm(FlaskForm):
    file = FileField("Case log (.csv or .xlsx)", validators=[
        FileRequired("Choose a CSV or Excel file."),
        FileAllowed(["csv", "xlsx"], "A case log file ends in .csv or .xlsx.")])
    submit = SubmitField("Import cases")


# --- the catalogue and targets (checked as a whole by caselog's models: web.cases.catalogue_edit)

KINDS = [SelectChoice("procedure", "Procedures"),
         SelectChoice("reading", "Reading (interpretations, e.g. mammograms)")]


class CategoryForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired()],
                       description="Letters, digits, '-' and '_', e.g. EMBO; no other category "
                                   "or procedure type may use it")
    name = StringField("Name", validators=[InputRequired()])
    kind = SelectField("Kind", choices=KINDS,
                       description="Targets may count every category of one kind")
    submit = SubmitField("Save category")


class ProcedureTypeForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired()],
                       description="Letters, digits, '-' and '_', e.g. PICC; no other category "
                                   "or procedure type may use it")
    name = StringField("Name", validators=[InputRequired()])
    category = SelectField("Category", coerce=int)
    cpt = StringField("CPT codes (optional)", validators=[Length(max=500)],
                      description="Comma-separated, five characters each, e.g. 36556, 0075T")
    submit = SubmitField("Save procedure type")

    def for_program(self, categories) -> ProcedureTypeForm:
        self.category.choices = [SelectChoice(c.id, f"{c.name} ({c.code})") for c in categories]
        return self


class TargetForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired()])
    count = IntegerField("Cases needed", validators=[InputRequired("give the number of cases")])
    kind = SelectField("Count every category of a kind", choices=[SelectChoice("", "—")] + KINDS,
                       default="", description="Leave kind and category blank to count every "
                                               "case")
    category = SelectField("…or count one category", default="")
    tracks = StringField("Tracks (blank: every track)", validators=[Length(max=500)],
                         description="Comma-separated, e.g. IR, ESIR")
    window_months = IntegerField("Within any window of (months; optional)",
                                 validators=[Optional()],
                                 description="e.g. MQSA: 240 reads within any 6 months")
    last_years = IntegerField("…lying in the last (years of residency; optional)",
                              validators=[Optional()])
    confirmed = BooleanField("A confirmed rule (not an example)")
    source = StringField("Source", validators=[Length(max=500)],
                         description="Where the number comes from, e.g. ACGME ESIR guidelines")
    submit = SubmitField("Save target")

    def for_program(self, categories) -> TargetForm:
        self.category.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.code, f"{c.name} ({c.code})") for c in categories]
        return self


# --- favourites -----------------------------------------------------------------------------

class FavouriteForm(FlaskForm):
    """A name, and the case form's procedures, role, attending and site (hidden copies)."""

    name = StringField("Favourite name", validators=[InputRequired("give the favourite a name"),
                                           Length(max=80)])
    primary = IntegerField(widget=HiddenInput(), validators=[Optional()])
    others = SelectMultipleField(coerce=int, validate_choice=False, validators=[Optional()])
    role = StringField(widget=HiddenInput(), validators=[Optional()])
    attending = IntegerField(widget=HiddenInput(), validators=[Optional()])
    site = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=200)])
    submit = SubmitField("Save as favourite")
