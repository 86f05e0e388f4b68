"""School staff help families link: the request queue, letters with codes, ending links, and the
linking dashboards (a school's for its staff, the district's for the enrollment office)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import Role, may_act_as, requires
from app.extensions import db
from app.i18n import current_language
from app.pagination import page_number, paginate
from app.portal import charts, dashboard, services
from app.portal.forms import (
    ApproveForm,
    BulkLettersForm,
    DenyForm,
    EndLinkForm,
    FindStudentForm,
    StudentFilterForm,
    StudentLettersForm,
)
from app.portal.helpers import template_helpers
from app.portal.letters import render_letters
from app.portal.models import GuardianLink, LinkRequest, Student
from app.schools.models import School
from app.timeutil import utcnow
from app.web import render

bp = Blueprint("portal_staff", __name__, url_prefix="/staff/portal")
bp.context_processor(template_helpers)

INVALID = 422


def _my_schools() -> list[str] | None:
    """The schools whose students this account may see; None for administrators (all)."""
    if current_user.has_role(Role.ADMIN):
        return None
    return current_user.scopes(Role.SCHOOL_STAFF)


def _school(cds_code: str) -> School:
    return db.get_or_404(School, cds_code)


def _student(cds_code: str, student_id: int) -> Student:
    """A student of this school; another school's student is not found, never shown."""
    student = db.get_or_404(Student, student_id)
    if student.cds_code != cds_code:
        abort(404)
    return student


def _request(cds_code: str, request_id: int) -> LinkRequest:
    link_request = db.get_or_404(LinkRequest, request_id)
    if link_request.cds_code != cds_code:
        abort(404)
    return link_request


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _trend(cds_codes: list[str] | None, students: int):
    points = dashboard.monthly_trend(cds_codes, students=students)
    year = dashboard.school_year_start()
    chart = charts.trend_chart(
        points, dashboard.target_for(year), dashboard.BASELINE, rtl=current_language().rtl
    )
    return points, chart


@bp.route("")
@requires(Role.SCHOOL_STAFF)
def queue():
    mine = _my_schools()
    page = paginate(services.pending_requests(mine), request.args.get("page"), per_page=25)
    schools = []
    if mine:
        by_code = {s.school.cds_code: s for s in dashboard.by_school(mine)}
        found = db.session.scalars(select(School).where(School.cds_code.in_(mine)))
        schools = [(s, by_code.get(s.cds_code)) for s in sorted(found, key=lambda s: s.name)]
    return _private(
        render(
            "portal/staff/queue.html",
            page=page,
            schools=schools,
            may_see_district=may_act_as(current_user, (Role.ENROLLMENT,)),
        )
    )


@bp.route("/district")
@requires(Role.ENROLLMENT)
def district():
    year = dashboard.school_year_start()
    schools = dashboard.by_school()
    grades = dashboard.by_grade()
    overall = dashboard.total(grades)
    points, chart = _trend(None, overall.students)
    page_size = 50
    pages = max(1, -(-len(schools) // page_size))
    number = min(page_number(request.args.get("page")), pages)
    return render(
        "portal/staff/district.html",
        year=year,
        overall=overall,
        target=dashboard.target_for(year),
        targets=dashboard.targets(year),
        baseline=dashboard.BASELINE,
        local_districts=dashboard.by_local_district(schools),
        grades=grades,
        schools=schools[(number - 1) * page_size : number * page_size],
        school_pages=pages,
        school_page=number,
        school_count=len(schools),
        demo=any(s.school.is_demo for s in schools),
        points=points,
        chart=chart,
        year_label=dashboard.year_label(year),
    )


@bp.route("/<cds_code>")
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def school(cds_code: str):
    school = _school(cds_code)
    grades = services.grades_at(cds_code)
    form = StudentFilterForm(request.args).set_grades(grades)
    valid = form.validate()
    query = services.student_query(
        cds_code,
        grade=int(form.grade.data) if valid and form.grade.data else None,
        q=(form.q.data or "") if valid else "",
        unlinked=not valid or form.show.data != "all",
    )
    page = paginate(query, request.args.get("page"), per_page=50)
    year = dashboard.school_year_start()
    grade_shares = dashboard.by_grade([cds_code])
    overall = dashboard.total(grade_shares)
    points, chart = _trend([cds_code], overall.students)
    return _private(
        render(
            "portal/staff/school.html",
            block="students",
            announce=ngettext("%(num)d student", "%(num)d students", page.total),
            school=school,
            form=form,
            page=page,
            letters_form=BulkLettersForm(prefix="letters").set_grades(grades),
            letter_form=StudentLettersForm(),
            overall=overall,
            grades=grade_shares,
            year_label=dashboard.year_label(year),
            target=dashboard.target_for(year),
            baseline=dashboard.BASELINE,
            points=points,
            chart=chart,
            pending=db.session.scalar(
                select(db.func.count()).select_from(
                    services.pending_requests([cds_code]).subquery()
                )
            ),
            status=INVALID if form.errors else 200,
        )
    )


def _letters_response(issued, school: School):
    return _private(
        render(
            "portal/staff/letters.html",
            block=None,
            school=school,
            letters=render_letters(issued),
            count=len(issued),
        )
    )


@bp.route("/<cds_code>/letters", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def bulk_letters(cds_code: str):
    school = _school(cds_code)
    form = BulkLettersForm(prefix="letters").set_grades(services.grades_at(cds_code))
    error = None
    if form.validate_on_submit():
        grade = int(form.grade.data) if form.grade.data else None
        query = services.student_query(cds_code, grade=grade, unlinked=form.only_unlinked.data)
        try:
            issued = services.issue_letters(current_user, list(db.session.scalars(query)))
        except services.TooManyLetters as exc:
            error = _(
                "That would print %(count)d letters, more than %(max)d at once. Choose one grade "
                "at a time.",
                count=exc.count,
                max=services.MAX_LETTERS,
            )
        else:
            services.record_batch(current_user, school, grade, len(issued))
            db.session.commit()
            return _letters_response(issued, school)
    return render(
        "portal/staff/bulk_error.html", school=school, form=form, error=error, status=INVALID
    )


@bp.route("/<cds_code>/students/<int:student_id>")
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def student(cds_code: str, student_id: int):
    return _student_page(_student(cds_code, student_id))


def _student_page(student: Student, error: str | None = None, status: int = 200):
    _, by_student = services.failures(None, student.district_id, utcnow())
    return _private(
        render(
            "portal/staff/student.html",
            student=student,
            school=student.school,
            eligible={c.id for c in services.eligible_contacts(student)},
            letter_form=StudentLettersForm(formdata=None),
            error=error,
            link_codes=services.codes_of(student),
            now=utcnow(),
            recent_failures=by_student,
            locked=services.is_locked(None, student.district_id),
            requests=db.session.scalars(
                select(LinkRequest)
                .where(LinkRequest.student_id == student.id)
                .order_by(LinkRequest.created_at.desc())
                .limit(20)
            ).all(),
            status=status,
        )
    )


@bp.route("/<cds_code>/students/<int:student_id>/letters", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def student_letters(cds_code: str, student_id: int):
    student = _student(cds_code, student_id)
    form = StudentLettersForm()
    form.contact.choices = [(c.id, c.name) for c in services.eligible_contacts(student)]
    if form.validate_on_submit():
        chosen = set(form.contact.data) if form.contact.data else None
        issued = services.issue_letters(current_user, [student], chosen)
        if issued:
            services.record_letters(current_user, student, issued)
            db.session.commit()
            return _letters_response(issued, student.school)
        flash(
            _(
                "No letter to print: everyone on the emergency card who may link is linked "
                "already, or the card lists no one who may link."
            ),
            "info",
        )
        return redirect(url_for(".student", cds_code=cds_code, student_id=student.id))
    error = _(
        "A letter can be printed only for a parent or guardian who may link and is not linked."
    )
    return _student_page(student, error=error, status=INVALID)


@bp.route("/<cds_code>/students/<int:student_id>/links/<int:link_id>/end", methods=["GET", "POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def end_link(cds_code: str, student_id: int, link_id: int):
    student = _student(cds_code, student_id)
    link = db.get_or_404(GuardianLink, link_id)
    if link.student_id != student.id or link.ended_at is not None:
        abort(404)
    form = EndLinkForm()
    if form.validate_on_submit():
        services.end_link_by_staff(current_user, link, form.reason.data, form.note.data or "")
        db.session.commit()
        flash(_("The link has ended. We told the family by email."), "success")
        return redirect(url_for(".student", cds_code=cds_code, student_id=student.id))
    return _private(
        render(
            "portal/staff/end_link.html",
            student=student,
            link=link,
            form=form,
            status=INVALID if form.errors else 200,
        )
    )


def _review(
    link_request: LinkRequest, approve=None, deny=None, status: int = 200, approve_error=None
):
    find = FindStudentForm(request.args)
    chosen = link_request.student
    if not find.validate():
        status = INVALID
    elif find.student.data:
        chosen = db.session.scalar(
            select(Student).where(
                Student.district_id == find.student.data,
                Student.cds_code == link_request.cds_code,
            )
        )
    approve = approve or ApproveForm(formdata=None, prefix="approve")
    approve.student.data = chosen.id if chosen else ""
    approve.contact.choices = _contact_choices(chosen)
    return _private(
        render(
            "portal/staff/request.html",
            req=link_request,
            school=link_request.school,
            chosen=chosen,
            searched=bool(find.student.data),
            find=find,
            approve=approve,
            deny=deny or DenyForm(formdata=None, prefix="deny"),
            candidates=services.candidates_for(link_request),
            approve_error=approve_error,
            status=status,
        )
    )


def _contact_choices(student: Student | None) -> list[tuple[int, str]]:
    if student is None:
        return []
    return [(c.id, c.name) for c in student.contacts if not c.restricted]


@bp.route("/<cds_code>/requests/<int:request_id>")
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def review(cds_code: str, request_id: int):
    return _review(_request(cds_code, request_id))


@bp.route("/<cds_code>/requests/<int:request_id>/approve", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def approve(cds_code: str, request_id: int):
    link_request = _request(cds_code, request_id)
    form = ApproveForm(prefix="approve")
    student = None
    typed = form.student.data or ""
    if typed.isdigit() and len(typed) <= 12:
        student = db.session.get(Student, int(typed))
    if student is None or student.cds_code != cds_code:
        student = None
    form.contact.choices = _contact_choices(student)
    if student is not None and form.validate_on_submit():
        contact = next(c for c in student.contacts if c.id == form.contact.data)
        try:
            services.approve_request(current_user, link_request, student, contact)
        except services.AlreadyDecided:
            flash(_("This request was decided already."), "info")
            return redirect(url_for(".queue"))
        db.session.commit()
        flash(
            _("Approved. %(name)s is linked, and we told the family.", name=student.first_name),
            "success",
        )
        return redirect(url_for(".queue"))
    error = None if student else _("Choose a student of this school first.")
    return _review(link_request, approve=form, status=INVALID, approve_error=error)


@bp.route("/<cds_code>/requests/<int:request_id>/deny", methods=["POST"])
@requires(Role.SCHOOL_STAFF, scope_arg="cds_code")
def deny(cds_code: str, request_id: int):
    link_request = _request(cds_code, request_id)
    form = DenyForm(prefix="deny")
    if form.validate_on_submit():
        try:
            services.deny_request(current_user, link_request, form.reason.data, form.note.data)
        except services.AlreadyDecided:
            flash(_("This request was decided already."), "info")
            return redirect(url_for(".queue"))
        db.session.commit()
        flash(_("Declined. We told the family why."), "success")
        return redirect(url_for(".queue"))
    return _review(link_request, deny=form, status=INVALID)
