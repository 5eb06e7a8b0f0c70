"""Views: sign in, sign out, change password (first of all when it is a temporary one), reset
a forgotten password by e-mail, and the signed-in home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, mail, notify
from ..extensions import limiter
from ..transaction import in_one_transaction
from . import bp, reset
from .forms import ForgotPasswordForm, LoginForm, PasswordForm, ResetPasswordForm

# What a person whose password is temporary may still open: the account page where they
# choose their own, signing out, the reset pages, and what is not a page (the API and
# calendar feeds sign in with tokens; assets; the health check).
OPEN_BEFORE_OWN_PASSWORD = {"auth.change_password", "auth.logout", "auth.sign_out_everywhere",
                            "auth.forgot_password", "auth.reset_password", "health.healthz",
                            "me.feed", "static", "favicon"}
NOT_PAGES = {"assets", "api", "api-docs"}


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


def _account_and_address_key() -> str:
    return f"{_account_key()}@{request.remote_addr}"


@bp.before_app_request
def own_password_first():
    """Until a person replaces a temporary password (one a director or an administrator
    chose for them), every page sends them to the account page to choose their own, and
    back to the page they asked for afterwards."""
    if request.endpoint is None or request.endpoint in OPEN_BEFORE_OWN_PASSWORD \
            or request.blueprint in NOT_PAGES:
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    asked = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.change_password", next=asked))


@bp.route("/login", methods=["GET", "POST"])
@in_one_transaction
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
               methods=["POST"], key_func=_account_and_address_key, deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))
            # A new session (and with it a new CSRF token): nothing from before sign-in is
            # carried over, so a session an attacker planted is worth nothing (F12).
            session.clear()
            session[accounts.SESSION_TOKEN] = accounts.start_session(
                user, request.user_agent.string)
            login_user(user)
            return redirect(target)
        flash("Wrong e-mail or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@in_one_transaction
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_LIMIT"], methods=["POST"],
               key_func=lambda: f"password:{current_user.id}", deduct_when=_failed)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data,
                                     keep=session.get(accounts.SESSION_TOKEN))
        except accounts.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            flash("Password changed.", "info")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/password.html", form=form,
                           sessions=accounts.sessions_of(current_user),
                           tokens=accounts.tokens_of(current_user),
                           feeds=accounts.feeds_of(current_user),
                           this_session=accounts.token_hash(
                               session.get(accounts.SESSION_TOKEN) or "")
                           ), 422 if form.errors else 200


def _reset_account_key() -> str:
    return "reset:" + accounts.normal_email(request.form.get("email", ""))


@bp.route("/password/forgot", methods=["GET", "POST"])
@in_one_transaction
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"],
               methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ACCOUNT"],
               methods=["POST"], key_func=_reset_account_key)
def forgot_password():
    """Ask for a password-reset link by e-mail. The answer is the same whether or not the
    address has an account; without mail, the page says who can reset a password."""
    if not reset.available():
        return render_template("auth/forgot.html", form=None)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            reset.send_link(form.email.data)
        except mail.MailError as exc:
            current_app.logger.warning("password-reset e-mail not sent: %s", exc)
            flash("The e-mail could not be sent just now: the mail server is not answering "
                  "or refused it. Nothing has changed. Try again in a few minutes, or ask "
                  "your program's coordinator.", "error")
            return render_template("auth/forgot.html", form=form), 503
        return render_template("auth/forgot_sent.html", email=form.email.data,
                               lifetime=reset.lifetime())
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@in_one_transaction
def reset_password(token: str):
    """Choose a new password through the link of a reset e-mail. It signs the person out
    everywhere (this browser too); they then sign in with the new password."""
    try:
        user = reset.user_of(token)
    except reset.BadLink as exc:
        return render_template("auth/reset_link.html", reason=exc.reason,
                               lifetime=reset.lifetime()), \
            404 if exc.reason == "invalid" else 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset.choose_password(token, form.new.data)
        except accounts.AccountError as exc:
            form.new.errors.append(str(exc))
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your new password is set, and you are signed out everywhere. Sign in "
                  "with it.", "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, email=user.email
                           ), 422 if form.errors else 200


@bp.post("/logout")
@login_required
@in_one_transaction
def logout():
    """Sign out: the session ends on the server too, so a copy of its cookie is worthless."""
    accounts.end_session(session.get(accounts.SESSION_TOKEN))
    logout_user()
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))


def _account_page_after(done: bool, message: str):
    """Back to the account page saying what happened; 404 when there was nothing of the
    person's to change."""
    if not done:
        abort(404)
    flash(message, "info")
    return redirect(url_for("auth.change_password"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
@in_one_transaction
def revoke_token(token_id: int):
    """Delete one of your API tokens: programs using it are refused from now on."""
    return _account_page_after(accounts.revoke_token(current_user, token_id),
                               "API token revoked.")


@bp.post("/account/feeds/<int:resident_id>/stop")
@login_required
@in_one_transaction
def stop_feed(resident_id: int):
    """Turn off a private calendar feed: its address stops working at once."""
    return _account_page_after(accounts.stop_feed(current_user, resident_id),
                               "Calendar feed turned off; make a new address on My schedule "
                               "to subscribe again.")


@bp.post("/account/sign-out-everywhere")
@login_required
@in_one_transaction
def sign_out_everywhere():
    """End every session of the person, on every device, this one included."""
    ended = accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''}).", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
@login_required
def home():
    memberships = sorted(current_user.memberships, key=lambda m: (m.program.name, m.role))
    return render_template("auth/home.html", memberships=memberships)


@bp.app_errorhandler(429)
def too_many_attempts(error):
    return render_template("auth/throttled.html", limit=error.description,
                           resetting=request.endpoint == "auth.forgot_password"), 429


@bp.get("/notifications")
@login_required
def notifications():
    """What concerns the person, newest first; opening the page marks nothing read (the
    button does), so a glance never loses an unread mark."""
    programs = {m.program_id: m.program for m in current_user.memberships}
    return render_template("auth/notifications.html", rows=notify.recent(current_user),
                           unread=notify.unread(current_user), programs=programs)


@bp.post("/notifications/read")
@login_required
@in_one_transaction
def read_notifications():
    notify.mark_read(current_user)
    return redirect(url_for("auth.notifications"))


@bp.post("/account/notifications")
@login_required
@in_one_transaction
def email_notifications():
    """Turn e-mailed notifications on or off (they always stay in the app)."""
    current_user.email_notifications = request.form.get("email") == "on"
    flash("Notifications will also come by e-mail." if current_user.email_notifications
          else "Notifications now stay in the app: no e-mail.", "info")
    return redirect(url_for("auth.change_password"))
