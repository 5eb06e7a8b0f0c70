"""Views: the call schedules, generating one, the month calendar, publishing."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from scheduler.calendar import day_in_words
from scheduler.words import plural

from .. import clock
from ..access import EVERYONE, MANAGERS, can, program_page
from ..accounts import resident_of
from ..extensions import db
from ..models import CallSchedule, CallSwap, Resident, Schedule
from ..transaction import refusable
from ..views import owned
from . import bp, publishing, services, week_swaps
from . import swaps as swap_services
from .forms import CallGenerateForm, OfferForm, ShiftEditForm, WeekOfferForm


def _versions(program) -> list[Schedule]:
    return list(db.session.scalars(select(Schedule).where(
        Schedule.program_id == program.id, Schedule.state == "published"
    ).order_by(Schedule.version.desc())))


def _form(versions: list[Schedule]) -> CallGenerateForm:
    settings = current_app.config["SOLVER_SETTINGS"]
    form = CallGenerateForm(time_limit=int(min(max(settings.solver.time_limit, 5), 600)))
    form.version.choices = [(v.id, v.label) for v in versions]
    return form


@bp.get("")
@program_page(*EVERYONE)
def overview(program):
    """The program's call schedules; managers also generate one here."""
    rows = services.listed(program, drafts=can(*MANAGERS))
    versions = _versions(program)
    return render_template("call/overview.html", program=program, rows=rows,
                           form=_form(versions), versions=versions,
                           outdated=_outdated(program),
                           kept_from=services.latest_published(program),
                           has_pools=bool(program.call_rules.get("call_pool")))


def _outdated(program) -> tuple[CallSchedule, Schedule] | None:
    """(the published call schedule, the newer block version) when the call residents see
    rests on an older block version; None otherwise."""
    call = services.latest_published(program)
    if call is None:
        return None
    newer = services.outdated(program, call)
    return (call, newer) if newer is not None else None


@bp.post("/generate")
@program_page(*MANAGERS)
def generate(program):
    """Start the call solve of a published block version; its job page shows the answer."""
    form = _form(_versions(program))
    if not form.validate_on_submit():
        flash("Cannot start: " + "; ".join(f"{getattr(form, name).label.text}: {errors[0]}"
                                           for name, errors in form.errors.items()) + ".",
              "error")
        return redirect(url_for("call.overview", program_id=program.id))
    version = owned(Schedule, program, form.version.data)
    try:
        job = services.start(program, current_user, version, float(form.time_limit.data))
    except services.CallError as exc:
        flash(f"Cannot start: {exc}.", "error")
        return redirect(url_for("call.overview", program_id=program.id))
    return redirect(url_for("schedules.job", program_id=program.id, job_id=job.id))


def _visible(program, call_id: int) -> CallSchedule:
    row = owned(CallSchedule, program, call_id)
    if row.state == "draft" and not can(*MANAGERS):
        abort(403)
    return row


def _month_asked(text: str | None) -> date | None:
    try:
        return date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


@bp.get("/<int:call_id>")
@program_page(*EVERYONE)
def view(program, call_id: int):
    """A month of call as a calendar, the year's fairness, and one resident's weekly hours
    against the 80-hour line."""
    row = _visible(program, call_id)
    try:
        year, duty, _ = services.read(row)
    except services.CallError as exc:
        flash(f"The call schedule cannot be shown: {exc}.", "error")
        return redirect(url_for("call.overview", program_id=program.id))
    first = _month_asked(request.args.get("month")) or clock.today()
    month = services.month(year, duty, first)
    residents = [r for r in year.residents if r.id in duty.duty]
    chosen = request.args.get("resident") or (residents[0].id if residents else "")
    hours = services.weekly_hours(year, duty, chosen) if chosen in duty.duty else []
    called = next((r.called for r in residents if r.id == chosen), chosen)
    return render_template("call/view.html", program=program, row=row, year=year, duty=duty,
                           month=month, residents=residents, chosen=chosen, called=called,
                           hours=hours,
                           newer=services.outdated(program, row),
                           lapsing=[swap_services.offer_in_words(swap) for swap in
                                    swap_services.lapsing(program, row)]
                           if row.state == "draft" and can(*MANAGERS) else [],
                           pool_names=services.pool_names(row),
                           peak=max((h for _, h in hours), default=0.0))


@bp.post("/<int:call_id>/shift")
@program_page(*MANAGERS)
def edit_shift(program, call_id: int):
    """Give one shift of a call draft to another resident, checked at once."""
    row = owned(CallSchedule, program, call_id)
    try:
        year, _, _ = services.read(row)
    except services.CallError as exc:
        flash(f"Not changed: {exc}.", "error")
        return redirect(url_for("call.overview", program_id=program.id))
    form = ShiftEditForm()
    form.pool.choices = [p.code for p in year.call_pools]
    form.resident.choices = [r.id for r in year.residents]
    back = url_for("call.view", program_id=program.id, call_id=row.id,
                   month=form.day.data.strftime("%Y-%m") if form.day.data else None)
    if not form.validate_on_submit():
        flash("Not changed: " + "; ".join(f"{getattr(form, name).label.text}: {errors[0]}"
                                          for name, errors in form.errors.items()) + ".",
              "error")
        return redirect(back)
    try:
        broken = services.edit_shift(row, form.day.data, form.pool.data, form.resident.data,
                                     form.revision.data)
    except services.CallError as exc:
        flash(f"Not changed: {exc}.", "error")
        return redirect(back)
    taker = year.resident_by_id[form.resident.data]
    flash(f"{services.pool_names(row).get(form.pool.data, form.pool.data)} on "
          f"{day_in_words(form.day.data, weekday=True)}: now {taker.called}.",
          "info")
    for reason in broken:
        flash(f"Breaks: {reason}", "error")
    if not broken:
        flash("No rule is broken by this change.", "info")
    return redirect(back)


@bp.post("/<int:call_id>/publish")
@program_page(*MANAGERS)
def publish(program, call_id: int):
    row = owned(CallSchedule, program, call_id)
    try:
        lapsed = publishing.publish(program, row, current_user)
    except services.CallError as exc:
        flash(f"Not published: {exc}.", "error")
    else:
        flash(f"Published as {row.label}. Residents now see their calls.", "info")
        if lapsed:
            flash(f"{plural(len(lapsed), 'swap offer')} lapsed, as {row.label} gives the "
                  f"shift or weeks to someone else (their residents are told): "
                  f"{'; '.join(lapsed)}.", "info")
    return redirect(url_for("call.view", program_id=program.id, call_id=row.id))


@bp.post("/<int:call_id>/discard")
@program_page(*MANAGERS)
def discard(program, call_id: int):
    row = owned(CallSchedule, program, call_id)
    label = row.label
    try:
        services.discard(row)
    except services.CallError as exc:
        flash(f"Not discarded: {exc}.", "error")
        return redirect(url_for("call.view", program_id=program.id, call_id=row.id))
    flash(f"{label.capitalize()} discarded.", "info")
    return redirect(url_for("call.overview", program_id=program.id))


# -- swaps ---------------------------------------------------------------------------------

def _me(program) -> Resident:
    resident = resident_of(current_user, program)
    if resident is None:
        abort(404)
    return resident


def _swaps_page(program):
    return redirect(url_for("call.swaps", program_id=program.id))


@bp.get("/swaps")
@program_page(*EVERYONE)
def swaps(program):
    """Swaps: shifts on offer (a resident takes one here), one's own offers, and for chiefs
    the accepted swaps waiting for approval."""
    me = resident_of(current_user, program) if can("resident") else None
    rows = swap_services.listed(program)
    latest = services.latest_published(program)
    serves = me is not None and latest is not None and bool(
        latest.schedule.data.get("residents", {}).get(me.key, {}).get("services"))
    return render_template("call/swaps.html", program=program, rows=rows, me=me, serves=serves,
                           takeable=swap_services.takeable(program, rows, me),
                           latest=latest, label=swap_services.label)


@bp.post("/swaps/offer")
@program_page("resident")
def offer_swap(program):
    form = OfferForm()
    if not form.validate_on_submit():
        flash("Not offered: the shift was not named.", "error")
        return _swaps_page(program)
    try:
        with refusable():
            swap_services.offer(program, _me(program), form.pool.data, form.start.data,
                                current_user)
    except swap_services.SwapError as exc:
        flash(f"Not offered: {exc}.", "error")
    else:
        flash("Your shift is on offer. When someone takes it (and a chief approves), it "
              "leaves your calendar.", "info")
    return _swaps_page(program)


@bp.post("/swaps/offer-weeks")
@program_page("resident")
def offer_weeks(program):
    """A resident offers weeks of a weekly service (night float) they are on."""
    form = WeekOfferForm()
    if not form.validate_on_submit() or form.last_week.data < form.first_week.data:
        flash("Not offered: the weeks were not named.", "error")
        return _swaps_page(program)
    try:
        with refusable():
            week_swaps.offer(program, _me(program), form.service.data, form.first_week.data,
                             form.last_week.data, current_user)
    except swap_services.SwapError as exc:
        flash(f"Not offered: {exc}.", "error")
    else:
        flash("Your weeks are on offer. When someone takes them (and a chief approves), you "
              "are back on your rotation those weeks.", "info")
    return _swaps_page(program)


def _swap(program, swap_id: int) -> CallSwap:
    return owned(CallSwap, program, swap_id)


def _steps(row: CallSwap):
    """The services that take and approve a swap of its kind."""
    return week_swaps if row.kind == "service" else swap_services


def _act(program, action, done: str):
    """Run one swap step; a refused step undoes only itself and says why."""
    try:
        with refusable():
            action()
    except swap_services.SwapError as exc:
        flash(f"Not done: {exc}.", "error")
    else:
        flash(done, "info")
    return _swaps_page(program)


@bp.post("/swaps/<int:swap_id>/accept")
@program_page("resident")
def accept_swap(program, swap_id: int):
    row = _swap(program, swap_id)
    approval = (program.call_rules or {}).get("call", {}).get("swaps_need_approval", True)
    if row.kind == "service":
        done = ("You took the weeks. They are yours once a chief approves the swap."
                if approval else "You took the weeks: they are yours, and both calendars "
                                 "follow.")
    else:
        done = ("You took the shift. It is yours once a chief approves it." if approval
                else "You took the shift: it is yours, and both calendars follow.")
    return _act(program, lambda: _steps(row).accept(program, row, _me(program), current_user),
                done)


@bp.post("/swaps/<int:swap_id>/withdraw")
@program_page("resident")
def withdraw_swap(program, swap_id: int):
    row = _swap(program, swap_id)
    return _act(program, lambda: swap_services.withdraw(program, row, _me(program),
                                                        current_user),
                "Offer withdrawn: the shift stays yours.")


@bp.post("/swaps/<int:swap_id>/approve")
@program_page(*MANAGERS)
def approve_swap(program, swap_id: int):
    row = _swap(program, swap_id)
    return _act(program, lambda: _steps(row).approve(program, row, current_user),
                "Swap approved: a new block version and a new call version are published, and "
                "both calendars follow them." if row.kind == "service" else
                "Swap approved: a new call version is published and both calendars follow it.")


@bp.post("/swaps/<int:swap_id>/decline")
@program_page(*MANAGERS)
def decline_swap(program, swap_id: int):
    row = _swap(program, swap_id)
    return _act(program, lambda: swap_services.decline(program, row, current_user),
                "Swap declined: the shift stays with the resident who offered it.")
