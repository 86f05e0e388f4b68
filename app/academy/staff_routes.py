"""Family Academy staff: offerings and sessions, rosters and attendance, certificates and the
dashboard. Every view needs the academy role (administrators hold every role)."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.academy import dashboard as figures
from app.academy import services, texts
from app.academy.certificates import certificate_html, certificate_language
from app.academy.forms import (
    ATTENDANCE_STATES,
    AttendanceForm,
    DashboardForm,
    OfferingForm,
    SessionForm,
    TranslationForm,
)
from app.academy.labels import LOCAL_DISTRICT_LABELS
from app.academy.models import AcademySession, Offering, Registration
from app.accounts.access import Role, requires
from app.accounts.forms import ConfirmForm
from app.extensions import db
from app.i18n import current_language
from app.i18n.locales import LANGUAGES
from app.timeutil import utcnow
from app.translate import content as content_translation
from app.translate.services import glossary
from app.web import render, wants_fragment

bp = Blueprint("academy_staff", __name__, url_prefix="/staff/academy")

INVALID = 422
RESERVED_SLUGS = {"my"}


@bp.route("/")
@requires(Role.ACADEMY)
def index():
    offerings = db.session.scalars(select(Offering)).all()
    far = utcnow().replace(year=9999)
    offerings.sort(key=lambda o: (o.status == "cancelled", -(o.starts_at or far).timestamp()))
    return render("academy/staff/index.html", offerings=offerings, now=utcnow())


def _slug_for(form: OfferingForm, offering: Offering | None = None) -> str | None:
    """The form's short name, or one made from the title; None (with a field error) if taken."""
    slug = form.slug.data or _slugify(form.title.data)
    taken = db.session.scalar(select(Offering.id).where(Offering.slug == slug))
    if slug in RESERVED_SLUGS or (taken is not None and (offering is None or taken != offering.id)):
        form.slug.errors = [*form.slug.errors, _("This short name is already used.")]
        return None
    return slug


def _slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    return slug or f"offering-{utcnow():%Y%m%d%H%M%S}"


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def new_offering():
    form = OfferingForm()
    if request.method == "GET":
        form.instruction.data = ["en"]
    if form.validate_on_submit() and (slug := _slug_for(form)):
        offering = services.create_offering(current_user, slug, form.fields())
        db.session.commit()
        flash(_("Saved as a draft. Add its sessions, then publish it."), "success")
        return redirect(url_for(".offering", offering_id=offering.id))
    return render(
        "academy/staff/offering_form.html",
        form=form,
        offering=None,
        status=INVALID if form.errors else 200,
    )


def _offering(offering_id: int) -> Offering:
    return db.get_or_404(Offering, offering_id)


@bp.route("/<int:offering_id>", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def offering(offering_id: int):
    offering = _offering(offering_id)
    form = OfferingForm()
    if request.method == "GET":
        form.load(offering)
    if form.validate_on_submit() and (slug := _slug_for(form, offering)):
        services.update_offering(current_user, offering, form.fields(), slug=slug)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".offering", offering_id=offering.id))
    return render(
        "academy/staff/offering.html",
        offering=offering,
        form=form,
        confirm=ConfirmForm(),
        seats=services.seats_left(offering),
        waitlist=services.waitlist_count(offering.id),
        graduates=services.graduates(offering),
        languages=LANGUAGES,
        translation_states=content_translation.states(texts.ENTITY, str(offering.id)),
        state_labels=content_translation.state_labels(),
        status=INVALID if form.errors else 200,
    )


@bp.route("/<int:offering_id>/publish", methods=["POST"])
@requires(Role.ACADEMY)
def publish(offering_id: int):
    offering = _offering(offering_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.publish(current_user, offering)
        except services.CannotPublish as exc:
            flash(_publish_refusal(exc.reason), "error")
        else:
            db.session.commit()
            flash(_("Published: families can find it in the catalog now."), "success")
    return redirect(url_for(".offering", offering_id=offering.id))


def _publish_refusal(reason: str) -> str:
    return {
        "sessions": _("Add at least one session before publishing."),
        "rule": _("Set how many sessions a graduate attends, no more than the number of sessions."),
        "video": _("Enter the video’s link before publishing."),
        "cancelled": _("A cancelled offering cannot be published again."),
    }[reason]


@bp.route("/<int:offering_id>/cancel", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def cancel_offering(offering_id: int):
    offering = _offering(offering_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        told = services.cancel_offering(current_user, offering)
        db.session.commit()
        flash(
            ngettext(
                "Cancelled. We are emailing %(num)d family.",
                "Cancelled. We are emailing %(num)d families.",
                told,
            ),
            "success",
        )
        return redirect(url_for(".offering", offering_id=offering.id))
    active = [r for r in offering.registrations if r.is_active]
    return render(
        "academy/staff/cancel_offering.html", offering=offering, form=form, families=len(active)
    )


@bp.route("/<int:offering_id>/texts/<locale>", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def translation(offering_id: int, locale: str):
    """The offering's words in one language, with the workbench's checks: staff publish at
    once or save a draft for the language's reviewers."""
    offering = _offering(offering_id)
    if locale not in LANGUAGES or locale == "en":
        abort(404)
    entry = content_translation.item(texts.ENTITY, str(offering.id), locale)
    if entry is None:
        abort(404)
    if request.method == "GET":
        form = TranslationForm(formdata=None, data=entry.latest.fields if entry.latest else None)
    else:
        form = TranslationForm()
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        words = texts.fields(
            form.title.data, form.description.data or "", form.transcript.data or ""
        )
        try:
            content_translation.save(
                entry, locale, words, current_user, publish=publish, terms=glossary(locale)
            )
        except content_translation.FieldsFailed as failed:
            for name, issues in failed.fields.items():
                form[name].errors = [*form[name].errors, *(issue.message for issue in issues)]
        else:
            db.session.commit()
            flash(_("Published. Families see it now.") if publish else _("Draft saved."), "success")
            return redirect(url_for(".offering", offering_id=offering.id))
    return render(
        "academy/staff/translation_form.html",
        offering=offering,
        entry=entry,
        form=form,
        language=LANGUAGES[locale],
        state_labels=content_translation.state_labels(),
        earlier_english=content_translation.english_when_translated(
            entry.published if entry.state == "needs_update" else None
        ),
        status=INVALID if form.errors else 200,
    )


@bp.route("/<int:offering_id>/sessions/new", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def new_session(offering_id: int):
    offering = _offering(offering_id)
    form = SessionForm()
    if form.validate_on_submit():
        services.add_session(current_user, offering, *form.utc_range())
        db.session.commit()
        flash(_("Session added."), "success")
        return redirect(url_for(".offering", offering_id=offering.id))
    return render(
        "academy/staff/session_form.html",
        offering=offering,
        session=None,
        form=form,
        status=INVALID if form.errors else 200,
    )


def _session(session_id: int) -> AcademySession:
    return db.get_or_404(AcademySession, session_id)


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@requires(Role.ACADEMY)
def session(session_id: int):
    session = _session(session_id)
    form = SessionForm()
    if request.method == "GET":
        form.load(session)
    if form.validate_on_submit():
        services.update_session(current_user, session, *form.utc_range())
        db.session.commit()
        flash(_("Session saved."), "success")
        return redirect(url_for(".offering", offering_id=session.offering_id))
    return render(
        "academy/staff/session_form.html",
        offering=session.offering,
        session=session,
        form=form,
        confirm=ConfirmForm(),
        status=INVALID if form.errors else 200,
    )


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@requires(Role.ACADEMY)
def cancel_session(session_id: int):
    session = _session(session_id)
    if ConfirmForm().validate_on_submit():
        told = services.cancel_session(current_user, session)
        db.session.commit()
        flash(
            ngettext(
                "Session cancelled. We are emailing %(num)d family.",
                "Session cancelled. We are emailing %(num)d families.",
                told,
            ),
            "success",
        )
    return redirect(url_for(".offering", offering_id=session.offering_id))


@bp.route("/sessions/<int:session_id>/roster")
@requires(Role.ACADEMY)
def roster(session_id: int):
    session = _session(session_id)
    rows = services.roster(session)
    present = sum(1 for _, mark in rows if mark and mark.present)
    undo_state = request.args.get("was", "")
    return render(
        "academy/staff/roster.html",
        session=session,
        rows=rows,
        present=present,
        undo_for=request.args.get("undo", type=int),
        undo_state=undo_state if undo_state in ATTENDANCE_STATES else None,
    )


@bp.route("/sessions/<int:session_id>/roster/<int:registration_id>", methods=["POST"])
@requires(Role.ACADEMY)
def mark(session_id: int, registration_id: int):
    """Save one family's attendance at once; the answer offers to undo it."""
    session = _session(session_id)
    registration = db.get_or_404(Registration, registration_id)
    if registration.offering_id != session.offering_id:
        abort(404)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return _invalid_mark(session, registration, form)
    previous = _state(services.attendance_of(session, registration))
    attendance = services.set_attendance(current_user, session, registration, form.state.data)
    db.session.commit()
    state = _state(attendance)
    announce = _attendance_announcement(registration, state)
    if not wants_fragment():
        flash(announce, "success")
        return redirect(
            url_for(".roster", session_id=session.id, undo=registration.id, was=previous)
            + f"#registration-{registration.id}"
        )
    return render(
        "academy/staff/mark.html",
        block="row",
        announce=announce,
        session=session,
        registration=registration,
        mark=attendance,
        undo=previous,
    )


def _invalid_mark(session: AcademySession, registration: Registration, form: AttendanceForm):
    message = _("Choose present, absent or not taken.")
    if wants_fragment():
        return render(
            "academy/staff/mark.html",
            block="row",
            session=session,
            registration=registration,
            mark=services.attendance_of(session, registration),
            error=message,
            status=INVALID,
        )
    rows = services.roster(session)
    return render(
        "academy/staff/roster.html",
        session=session,
        rows=rows,
        present=sum(1 for _, m in rows if m and m.present),
        undo_for=None,
        undo_state=None,
        error=message,
        status=INVALID,
    )


def _state(attendance) -> str:
    if attendance is None:
        return "clear"
    return "present" if attendance.present else "absent"


def _attendance_announcement(registration: Registration, state: str) -> str:
    who = registration.participant_name or registration.user.email
    if state == "present":
        return _("Saved: %(who)s is present.", who=who)
    if state == "absent":
        return _("Saved: %(who)s is absent.", who=who)
    return _("Saved: attendance of %(who)s is not taken.", who=who)


@bp.route("/certificates/<int:registration_id>")
@requires(Role.ACADEMY)
def certificate(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    if registration.completed_at is None:
        abort(404)
    code = request.args.get("in", "")
    if code not in LANGUAGES:
        code = certificate_language(registration)
    return render(
        "academy/certificate.html",
        registration=registration,
        certificate=certificate_html(registration, code),
        shown_in=code,
        languages=LANGUAGES,
        back=url_for(".offering", offering_id=registration.offering_id),
    )


@bp.route("/dashboard")
@requires(Role.ACADEMY)
def dashboard():
    form = DashboardForm(request.args)
    now = utcnow()
    year = form.set_years(figures.years_available(now), figures.school_year_of(now))
    return render(
        "academy/staff/dashboard.html",
        form=form,
        data=figures.build(year, now),
        webinar_target=figures.WEBINAR_TARGET,
        graduate_target=figures.GRADUATE_TARGET,
        local_district_labels=LOCAL_DISTRICT_LABELS,
        lang_code=current_language().code,
    )
