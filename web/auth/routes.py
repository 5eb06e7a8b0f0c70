"""Views: sign in, sign out, change password, and the signed-in home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts
from ..extensions import limiter
from ..transaction import in_one_transaction
from . import bp
from .forms import LoginForm, PasswordForm


def _safe_next(target: str | None) -> str:
    """Only redirect within this site after signing in."""
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("auth.home")


def _failed(response) -> bool:
    """Only failed sign-ins count towards the limits (a success redirects)."""
    return response.status_code != 302


def _account_key() -> str:
    return "account:" + accounts.normal_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong e-mail or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@in_one_transaction
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=lambda: f"password:{current_user.id}", deduct_when=_failed)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            flash("Password changed.", "info")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@login_required
def home():
    memberships = sorted(current_user.memberships, key=lambda m: (m.program.name, m.role))
    return render_template("auth/home.html", memberships=memberships)


@bp.app_errorhandler(429)
def too_many_attempts(error):
    return render_template("auth/throttled.html", limit=error.description), 429
