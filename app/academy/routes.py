"""Family Academy for families: the catalog, an offering's page, registration, My courses."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.academy import catalog as catalog_search
from app.academy import labels, services
from app.academy.calendar import registration_calendar
from app.academy.certificates import certificate_html
from app.academy.forms import CatalogFilterForm, RegisterForm
from app.academy.models import DRAFT, INTERPRETATION, Offering, Registration
from app.accounts.access import Role, may_act_as, public, requires
from app.accounts.forms import ConfirmForm
from app.extensions import db
from app.i18n import current_language
from app.pagination import paginate
from app.timeutil import utcnow
from app.web import render

bp = Blueprint("academy", __name__, url_prefix="/academy")

INVALID = 422


@bp.app_template_filter("academy_label")
def _label_filter(code, group: str) -> str:
    return labels.label(code, group)


bp.add_app_template_filter(labels.language_name, "academy_language")
bp.add_app_template_filter(labels.when, "academy_when")
bp.add_app_template_filter(labels.day, "academy_day")


@bp.app_template_filter("academy_text")
def _text_filter(offering: Offering, lang_code: str | None = None):
    """The offering's words in the page's (or the given) language, English if untranslated."""
    return offering.text(lang_code or current_language().code)


@bp.route("", strict_slashes=False)
@public
def catalog():
    form = CatalogFilterForm(request.args)
    form.validate()
    form.set_months(catalog_search.months_with_sessions())
    filters = catalog_search.Filters(
        q=form.value("q"),
        kind=form.value("kind"),
        topic=form.value("topic"),
        lang=form.value("lang"),
        format=form.value("format"),
        month=form.month_range(),
    )
    query = catalog_search.search(filters, current_language().code)
    page = paginate(query, request.args.get("page"), per_page=20)
    count = ngettext("%(num)d offering found", "%(num)d offerings found", page.total)
    return render(
        "academy/catalog.html",
        block="results",
        announce=count,
        count=count,
        form=form,
        page=page,
        taken=catalog_search.seat_counts([offering.id for offering in page.items]),
        now=utcnow(),
        status=INVALID if form.errors else 200,
    )


def _visible_offering(slug: str) -> Offering:
    """A published or cancelled offering; drafts only for academy staff."""
    offering = services.offering_by_slug(slug)
    if offering is None:
        abort(404)
    if offering.status == DRAFT and not (
        current_user.is_authenticated and may_act_as(current_user, (Role.ACADEMY,))
    ):
        abort(404)
    return offering


@bp.route("/<slug>")
@public
def offering(slug: str):
    offering = _visible_offering(slug)
    registration = (
        services.find_registration(current_user.id, offering.id)
        if current_user.is_authenticated
        else None
    )
    return render(
        "academy/offering.html",
        offering=offering,
        registration=registration if registration and registration.is_active else None,
        seats=services.seats_left(offering),
        is_open=services.registration_open(offering),
    )


@bp.route("/<slug>/seats")
@public
def seats(slug: str):
    """The seats-left number alone, which the offering's page polls every 30 seconds."""
    offering = _visible_offering(slug)
    response = render(
        "academy/seats.html",
        block="seats",
        offering=offering,
        seats=services.seats_left(offering),
        is_open=services.registration_open(offering),
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<slug>/register", methods=["GET", "POST"])
@requires(Role.FAMILY)
def register(slug: str):
    offering = _visible_offering(slug)
    form = RegisterForm()
    form.offer(offering.codes(INTERPRETATION))
    error = None
    if form.validate_on_submit():
        try:
            registration = services.register(
                current_user,
                offering.id,
                participant_name=form.participant_name.data or "",
                interpretation=form.interpretation.data or None,
                zip_code=form.zip_code.data or None,
                local_district=form.local_district.data or None,
                family_language=current_language().code,
            )
        except services.AcademyError as exc:
            db.session.rollback()
            error = refusal_message(exc, offering)
        else:
            db.session.commit()
            flash(registered_message(registration), "success")
            return redirect(url_for(".my_courses"))
    existing = services.find_registration(current_user.id, offering.id)
    return render(
        "academy/register.html",
        offering=offering,
        form=form,
        error=error,
        existing=existing if existing and existing.is_active else None,
        is_open=services.registration_open(offering),
        seats=services.seats_left(offering),
        status=INVALID if (form.errors or error) else 200,
    )


def refusal_message(exc: services.AcademyError, offering: Offering) -> str:
    title = offering.text(current_language().code).title
    if isinstance(exc, services.AlreadyRegistered):
        if exc.registration.status == Registration.WAITLISTED:
            return _(
                "You are already on the waitlist for %(title)s, number %(position)d in line.",
                title=title,
                position=exc.registration.waitlist_position,
            )
        return _("You are already registered for %(title)s.", title=title)
    if isinstance(exc, services.RegistrationClosed):
        return _("Registration for %(title)s closed when its first session started.", title=title)
    if isinstance(exc, services.ScheduleConflict):
        other = exc.other.text(current_language().code).title
        return _(
            "%(title)s meets at the same time as %(other)s, which you already have a place in. "
            "To take this one instead, cancel that one first in My courses.",
            title=title,
            other=other,
        )
    if isinstance(exc, services.InterpretationNotOffered):
        return _("Choose one of the interpretation languages offered.")
    return _("%(title)s is not open for registration.", title=title)


def registered_message(registration: Registration) -> str:
    title = registration.offering.text(current_language().code).title
    if registration.status == Registration.WAITLISTED:
        return _(
            "%(title)s is full, so you are on its waitlist: number %(position)d in line. "
            "If a seat opens, it is yours and we will email you.",
            title=title,
            position=registration.waitlist_position,
        )
    return _("You are registered for %(title)s. We sent you an email.", title=title)


@bp.route("/my")
@requires(Role.FAMILY)
def my_courses():
    now = utcnow()
    registrations = services.family_registrations(current_user.id)
    past = [r for r in registrations if r.offering.ends_at and r.offering.ends_at <= now]
    return render(
        "academy/my_courses.html",
        upcoming=[r for r in registrations if r not in past],
        past=past[::-1],
        now=now,
        attended=services.sessions_attended,
    )


def _owned(registration_id: int) -> Registration:
    """The family's own registration; another family's id is simply not found."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    return registration


@bp.route("/my/<int:registration_id>/cancel", methods=["GET", "POST"])
@requires(Role.FAMILY)
def cancel(registration_id: int):
    registration = _owned(registration_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = registration.offering.text(current_language().code).title
        try:
            services.cancel_registration(current_user.id, registration.id)
        except services.RegistrationClosed:
            db.session.rollback()
            flash(_("%(title)s is over, so there is nothing to cancel.", title=title), "error")
        else:
            db.session.commit()
            flash(_("Your place in %(title)s is cancelled.", title=title), "success")
        return redirect(url_for(".my_courses"))
    if not registration.is_active:
        return redirect(url_for(".my_courses"))
    return render(
        "academy/cancel.html",
        registration=registration,
        form=form,
        status=INVALID if form.errors else 200,
    )


@bp.route("/my/<int:registration_id>/calendar.ics")
@requires(Role.FAMILY)
def calendar(registration_id: int):
    registration = _owned(registration_id)
    if registration.status != Registration.REGISTERED:
        abort(404)
    body = registration_calendar(registration, current_language().code)
    response = Response(body, mimetype="text/calendar")
    filename = f"family-academy-{registration.offering.slug}.ics"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/my/<int:registration_id>/certificate")
@requires(Role.FAMILY)
def certificate(registration_id: int):
    registration = _owned(registration_id)
    if registration.completed_at is None:
        abort(404)
    return render(
        "academy/certificate.html",
        registration=registration,
        certificate=certificate_html(registration, current_language().code),
        back=url_for(".my_courses"),
    )
