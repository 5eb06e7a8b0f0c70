"""Views: the people of a program and their roles; the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import accounts, audit
from ..access import can, program_page
from ..extensions import db
from ..models import AUDIT_ACTIONS, AUDIT_WORDS, ROLE_NAMES, Membership, User
from ..views import owned, whole
from . import bp
from .audit_words import AuditWords
from .forms import ChangeRoleForm, GrantForm, RevokeForm

PEOPLE_MANAGERS = ("admin", "program_director")          # give and take roles
AUDIT_READERS = ("admin", "program_director", "coordinator")
PAGE = 100


def _memberships(program) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(User).where(Membership.program_id == program.id)
        .order_by(User.email, Membership.role)))


@bp.route("/people", methods=["GET", "POST"])
@program_page(*PEOPLE_MANAGERS)
def people(program):
    form = GrantForm()
    if not can("admin"):   # only an admin makes admins: the list does not offer it
        form.role.choices = [c for c in form.role.choices if c.value != "admin"]
    if form.validate_on_submit():
        held = accounts.held_elsewhere(program, form.email.data)
        if held is not None and not (form.existing.data == held.email and form.confirm.data):
            if form.existing.data == held.email:   # asked, and not confirmed
                form.confirm.errors = ["Tick this to give the role to that account, or "
                                       "cancel."]
            form.existing.data = held.email
            return render_template("people/people.html", program=program, form=form,
                                   memberships=_memberships(program), role_names=ROLE_NAMES,
                                   held=held)
        try:
            granted = accounts.grant_role(program, form.email.data, form.role.data,
                                          form.name.data or "", current_user)
        except accounts.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"{granted.user.email} is now {ROLE_NAMES[granted.role].lower()}."
                  + (" Link the account to their record on the Residents page to show them "
                     "their schedule." if granted.role == "resident" else ""), "info")
            if granted.temporary_password:
                return render_template("people/created.html", program=program,
                                       granted=granted)
            return redirect(url_for("people.people", program_id=program.id))
    return render_template("people/people.html", program=program, form=form,
                           memberships=_memberships(program), role_names=ROLE_NAMES
                           ), 422 if form.errors else 200


@bp.post("/people/<int:membership_id>/revoke")
@program_page(*PEOPLE_MANAGERS)
def revoke(program, membership_id: int):
    membership = owned(Membership, program, membership_id)
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        accounts.revoke_role(program, membership, current_user)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash("Role removed.", "info")
    return redirect(url_for("people.people", program_id=program.id))


@bp.post("/people/<int:membership_id>/role")
@program_page(*PEOPLE_MANAGERS)
def change_role(program, membership_id: int):
    membership = owned(Membership, program, membership_id)
    form = ChangeRoleForm()
    if not form.validate_on_submit():
        flash("Not changed: choose one of the roles.", "error")
        return redirect(url_for("people.people", program_id=program.id))
    email = membership.user.email
    try:
        accounts.change_role(program, membership, form.role.data, current_user)
    except accounts.AccountError as exc:
        flash(f"Not changed: {exc}.", "error")
    else:
        flash(f"{email} is now {ROLE_NAMES[form.role.data].lower()}.", "info")
    return redirect(url_for("people.people", program_id=program.id))


@bp.get("/audit")
@program_page(*AUDIT_READERS)
def audit_log(program):
    action = request.args.get("action", "")
    if action and action not in AUDIT_ACTIONS:
        action = ""
    before = request.args.get("before", type=whole)
    rows = audit.events(program, action, before, PAGE + 1)
    older = rows[PAGE - 1].id if len(rows) > PAGE else None
    shown = rows[:PAGE]
    words = AuditWords(program, shown)
    return render_template("people/audit.html", program=program,
                           events=[(e, words(e)) for e in shown],
                           action=action, actions=AUDIT_WORDS, older=older)
