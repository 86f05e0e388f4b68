"""School staff edit their school's profile and programs' descriptions, in every language."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import Role, may_act_as, requires
from app.accounts.forms import ConfirmForm
from app.content import services as content
from app.content.models import ContentVersion
from app.extensions import db
from app.i18n.locales import DEFAULT, LANGUAGES
from app.schools.forms import ProfileForm, ProgramTextForm
from app.schools.models import Program, School
from app.web import redirect_to, render

bp = Blueprint("school_staff", __name__, url_prefix="/staff/schools")

PROFILE = "school_profile"
PROGRAM = "program"


@bp.route("")
@requires(Role.SCHOOL_STAFF)
def index():
    query = select(School).order_by(School.name)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(School.cds_code.in_(current_user.scopes(Role.SCHOOL_STAFF)))
    else:
        query = query.limit(50)
    return render("schools/staff_index.html", schools=db.session.scalars(query).all())


def _school(cds_code: str) -> School:
    return db.get_or_404(School, cds_code)


def _locale() -> str:
    locale = request.values.get("locale", DEFAULT)
    return locale if locale in LANGUAGES else DEFAULT


@bp.route("/<cds_code>", methods=["GET", "POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def edit(cds_code: str):
    """The profile in one language: check, preview, save a draft or publish."""
    school = _school(cds_code)
    locale = _locale()
    current = content.latest(PROFILE, cds_code, locale)
    form = ProfileForm(data=current.fields if current else None)
    action = request.form.get("action", "draft")
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        if action == "preview":
            preview = content.Text(form.values(), locale)
        elif action in ("draft", "publish"):
            version = content.save_draft(PROFILE, cds_code, locale, form.values(), current_user)
            if action == "publish":
                content.publish(version, current_user)
            db.session.commit()
            flash(
                _("Published. Families see it now.") if action == "publish" else _("Draft saved."),
                "success",
            )
            return redirect_to(url_for(".edit", cds_code=cds_code, locale=locale))
    return render(
        "schools/staff_edit.html",
        block="editor",
        school=school,
        locale=locale,
        form=form,
        preview=preview,
        current=current,
        versions=content.history(PROFILE, cds_code, locale)[:20],
        english=content.newest_published(PROFILE, cds_code, "en"),
        programs=_program_editors(school, locale),
        confirm=ConfirmForm(),
        status=422 if form.errors else 200,
    )


def _program_editors(school: School, locale: str) -> list[tuple[Program, ProgramTextForm, object]]:
    editors = []
    for program in school.programs:
        latest = content.latest(PROGRAM, program.id, locale)
        form = ProgramTextForm(
            formdata=None, data=latest.fields if latest else None, prefix=f"p{program.id}"
        )
        editors.append((program, form, latest))
    return editors


@bp.route("/<cds_code>/programs/<int:program_id>", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def program_text(cds_code: str, program_id: int):
    program = db.get_or_404(Program, program_id)
    if program.cds_code != cds_code:
        abort(404)
    locale = _locale()
    form = ProgramTextForm(prefix=f"p{program.id}")
    if form.validate_on_submit():
        version = content.save_draft(
            PROGRAM, program.id, locale, {"description": form.description.data}, current_user
        )
        content.publish(version, current_user)
        db.session.commit()
        flash(_("Program description published."), "success")
        return redirect_to(
            url_for(".edit", cds_code=cds_code, locale=locale) + f"#program-{program.id}"
        )
    return render(
        "schools/staff_program.html",
        block="program",
        school=program.school,
        program=program,
        form=form,
        locale=locale,
        status=422,
    )


@bp.route("/<cds_code>/versions/<int:version_id>/<any(restore, publish):what>", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def version_action(cds_code: str, version_id: int, what: str):
    version = db.get_or_404(ContentVersion, version_id)
    if version.entity_type != PROFILE or version.entity_id != cds_code:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if what == "restore":
        content.restore(version, current_user)
        flash(_("The earlier version is back as a draft. Check it, then publish it."), "success")
    else:
        content.publish(version, current_user)
        flash(_("Published. Families see it now."), "success")
    db.session.commit()
    return redirect(url_for(".edit", cds_code=cds_code, locale=version.locale))


def staff_may_edit(cds_code: str) -> bool:
    return current_user.is_authenticated and may_act_as(
        current_user, (Role.SCHOOL_STAFF,), cds_code
    )
