"""Forms for giving someone a role in a program, changing it, and taking it away."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..models import ROLE_NAMES, ROLES
from ..names import NAME


class GrantForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", filters=NAME, validators=[Length(max=200)],
                       description="Used only when the account is new.")
    role = SelectField("Role", choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES],
                       default="resident")
    # The address told to have an account already, and the director's word that it is the
    # person's: both needed to give it a role (Enter pressed twice is not a yes)
    existing = HiddenField()
    confirm = BooleanField("I know this account is the person's (they told me they sign "
                           "in with it)")
    submit = SubmitField("Give role")


class RevokeForm(FlaskForm):
    """Only the CSRF token: the membership to remove is in the URL."""


class ChangeRoleForm(FlaskForm):
    """The role a person's membership becomes (the membership is in the URL)."""

    role = SelectField("New role", choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES])
