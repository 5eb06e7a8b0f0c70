"""The sign-in form, the change-password form and the two forms of a password reset."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..accounts import MIN_PASSWORD


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class NewPasswordForm(FlaskForm):
    """A new password, typed twice: the same rules wherever a password is chosen."""

    new = PasswordField("New password",
                        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)],
                        description=f"At least {MIN_PASSWORD} characters.")
    again = PasswordField("New password again",
                          validators=[DataRequired(), EqualTo("new", "the two do not match")])


class PasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Change password")


class ResetPasswordForm(NewPasswordForm):
    submit = SubmitField("Set password")


def _trimmed(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", filters=[_trimmed],
                       validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Send me a link")
