"""The parent portal: linked children, linking with a letter's code or by asking the school."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import Role, requires
from app.accounts.forms import ConfirmForm
from app.extensions import db, limiter
from app.pagination import page_number
from app.portal import sections, services
from app.portal.forms import LinkCodeForm, LinkRequestForm, SchoolSearchForm
from app.portal.helpers import template_helpers
from app.schools import services as schools
from app.schools.models import School
from app.web import render

bp = Blueprint("portal", __name__, url_prefix="/portal")
bp.context_processor(template_helpers)

INVALID = 422
LOCKED = 429


def _failed(response) -> bool:
    return response.status_code in (INVALID, LOCKED)


def _sent(response) -> bool:
    """A request reached the school (and emailed its staff): that is what is limited."""
    return response.status_code == 302


def _link_limit_address() -> str:
    return current_app.config.get("PORTAL_LINK_LIMIT_PER_ADDRESS", "30 per 15 minutes")


def _request_limit_address() -> str:
    return current_app.config.get("PORTAL_REQUEST_LIMIT_PER_ADDRESS", "10 per hour")


def _private(response):
    """A page that may hold a code or a child's details is never stored by a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("")
@requires(Role.FAMILY)
def children():
    students = services.children_of(current_user)
    return _private(
        render(
            "portal/children.html",
            children=students,
            child_sections=sections.for_children(current_user, students),
            family_sections=sections.for_family(current_user, students),
            requests=services.requests_of(current_user),
        )
    )


@bp.route("/link", methods=["GET", "POST"])
@requires(Role.FAMILY)
@limiter.limit(_link_limit_address, methods=["POST"], deduct_when=_failed)
def link():
    form = LinkCodeForm()
    error = None
    status = INVALID if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            created = services.redeem_code(
                current_user, form.student_id.data, form.code.data, form.birth_date.data
            )
        except services.TooManyAttempts:
            error, status = (
                _(
                    "There were too many tries that did not match. For your security, please "
                    "wait 15 minutes before you try again, or ask your child's school for help."
                ),
                LOCKED,
            )
        except services.LinkRefused:
            error = _(
                "The student ID, date of birth and code do not match. Check them against the "
                "letter and try again. A code works only once and only until the date on the "
                "letter; if yours is used or too old, ask the school for a new letter."
            )
        else:
            db.session.commit()
            flash(
                _("Done. You are now connected to %(name)s.", name=created.student.first_name),
                "success",
            )
            return redirect(url_for(".children", _anchor=f"child-{created.student_id}"))
        # A failed attempt is counted on every server, so it is kept even though this failed.
        db.session.commit()
    return _private(render("portal/link.html", form=form, error=error, status=status))


@bp.route("/request", methods=["GET", "POST"])
@requires(Role.FAMILY)
@limiter.limit(_request_limit_address, methods=["POST"], deduct_when=_sent)
def request_link():
    school = _chosen_school()
    if school is None:
        return _choose_school()
    form = LinkRequestForm()
    error = None
    if form.validate_on_submit():
        details = services.RequestDetails(
            student_key=form.student_id.data or "",
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            birth_date=form.birth_date.data,
            requester_name=form.requester_name.data,
            relation=form.relation.data,
            phone=form.phone.data,
            message=form.message.data or "",
        )
        try:
            services.request_link(current_user, school, details)
        except services.DuplicateRequest:
            error = _("You already asked this school about this child. They will write to you.")
        except services.TooManyRequests:
            error = _(
                "You have several requests waiting. Please wait for the schools to answer them "
                "first."
            )
        else:
            db.session.commit()
            flash(
                _(
                    "Your request was sent to %(school)s. The school will check it and write to "
                    "you by email.",
                    school=school.name,
                ),
                "success",
            )
            return redirect(url_for(".children"))
    status = INVALID if (form.errors or error) else 200
    return _private(
        render("portal/request.html", form=form, school=school, error=error, status=status)
    )


def _chosen_school() -> School | None:
    code = request.values.get("school", "")
    if not (code.isdigit() and len(code) == 14):
        return None
    return db.session.get(School, code)


def _choose_school():
    """First step of a request: find the child's school by name, street or ZIP code."""
    if request.method == "POST":
        abort(400)
    form = SchoolSearchForm(request.args)
    result = None
    if form.validate() and form.q.data:
        filters = schools.Filters(q=form.q.data)
        result = schools.find_schools(filters, page_number(request.args.get("page")))
    return _private(
        render(
            "portal/request_school.html",
            block="results",
            form=form,
            result=result,
            status=INVALID if form.errors else 200,
        )
    )


@bp.route("/children/<int:student_id>/unlink", methods=["GET", "POST"])
@requires(Role.FAMILY)
def unlink(student_id: int):
    link = services.active_link(current_user, student_id)
    if link is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = link.student.first_name
        services.unlink_by_family(current_user, link)
        db.session.commit()
        flash(_("%(name)s is no longer connected to your account.", name=name), "success")
        return redirect(url_for(".children"))
    return _private(render("portal/unlink.html", link=link, student=link.student, form=form))
