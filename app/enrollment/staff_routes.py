"""Unified enrollment for staff: the office sets up cycles, programs, seats and priorities,
reviews applications, enters paper ones and reads the demand; school staff see, read-only,
the applications to their own schools' programs and verify sibling claims for them.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from app.accounts.access import Role, may_act_as, requires
from app.accounts.forms import ConfirmForm
from app.enrollment import models, results, services
from app.enrollment.forms import (
    AddProgramForm,
    CycleForm,
    DecisionForm,
    EligibilityForm,
    ExtendForm,
    PaperForm,
    ProgramSearchForm,
    RuleForm,
    StaffFilterForm,
    as_int,
    seats_field,
    seats_form,
)
from app.enrollment.models import (
    CLAIM_KINDS,
    SIBLING,
    SUBMITTED,
    Application,
    Choice,
    Claim,
    Cycle,
    CycleProgram,
    Offer,
    SelectionRun,
)
from app.extensions import db
from app.pagination import paginate
from app.schools.grades import grade_label
from app.schools.labels import program_name
from app.schools.models import Program, School
from app.schools.search import normalize
from app.timeutil import to_district, utcnow
from app.web import render

bp = Blueprint("enrollment_staff", __name__, url_prefix="/staff/enrollment")

INVALID = 422
OFFICE = (Role.ENROLLMENT,)
OFFICE_AND_SCHOOLS = (Role.ENROLLMENT, Role.SCHOOL_STAFF)


@bp.context_processor
def _staff_helpers():
    return {"office": current_user.is_authenticated and _is_office()}


def _schools() -> list[str] | None:
    """None for the enrollment office (every school); else the staff member's schools."""
    if may_act_as(current_user, OFFICE):
        return None
    return current_user.scopes(Role.SCHOOL_STAFF)


def _is_office() -> bool:
    return _schools() is None


def _cycle() -> Cycle | None:
    chosen = as_int(request.args.get("cycle"))
    if chosen is not None:
        return db.session.get(Cycle, chosen) or abort(404)
    return services.current_cycle()


def _cycle_or_404(cycle_id: int) -> Cycle:
    return db.get_or_404(Cycle, cycle_id)


# --- overview ---------------------------------------------------------------------------------


@bp.route("")
@requires(*OFFICE_AND_SCHOOLS)
def index():
    cycle = _cycle()
    counts = _counts(cycle) if cycle is not None else {}
    return render(
        "enrollment/staff/index.html",
        cycle=cycle,
        cycles=db.session.scalars(select(Cycle).order_by(Cycle.opens_at.desc())).all(),
        counts=counts,
        office=_is_office(),
        phase=services.phase(cycle) if cycle else None,
        duplicates=len(services.possible_duplicates(cycle)) if cycle and _is_office() else 0,
    )


def _counts(cycle: Cycle) -> dict[str, int]:
    query = services.staff_query(cycle, services.StaffFilters(), _schools()).order_by(None)
    ids = query.with_only_columns(Application.id).subquery()

    def count(*conditions) -> int:
        return db.session.scalar(
            select(func.count()).select_from(Application).where(Application.id.in_(select(ids)),
                                                                *conditions)
        ) or 0

    pending = (
        select(Claim.id)
        .join(Choice, Claim.choice_id == Choice.id)
        .where(Choice.application_id == Application.id, Claim.status == Claim.CLAIMED)
        .exists()
    )
    return {
        "submitted": count(Application.status == SUBMITTED),
        "late": count(Application.status == SUBMITTED, Application.late.is_(True)),
        "paper": count(Application.status == SUBMITTED, Application.source == models.PAPER),
        "drafts": count(Application.status == models.DRAFT),
        "withdrawn": count(Application.status == models.WITHDRAWN),
        "pending_claims": count(Application.status == SUBMITTED, pending),
    }


# --- applications -----------------------------------------------------------------------------


def _filter_form(cycle: Cycle) -> tuple[StaffFilterForm, services.StaffFilters]:
    form = StaffFilterForm(request.args)
    form.set_schools(_school_options(cycle))
    filters = services.StaffFilters()
    if form.validate():
        filters = services.StaffFilters(
            q=form.q.data or "",
            status=form.status.data or "",
            grade=as_int(form.grade.data) if form.grade.data else None,
            cds_code=form.school.data or "",
            program_type=form.type.data or "",
            late=form.late.data or "",
            source=form.source.data or "",
            claims=form.claims.data or "",
            duplicates=bool(form.duplicates.data),
        )
    return form, filters


def _school_options(cycle: Cycle) -> list[tuple[str, str]]:
    query = (
        select(School.cds_code, School.name)
        .join(Program, Program.cds_code == School.cds_code)
        .join(CycleProgram, CycleProgram.program_id == Program.id)
        .where(CycleProgram.cycle_id == cycle.id)
        .distinct()
        .order_by(School.name)
    )
    schools = _schools()
    if schools is not None:
        query = query.where(School.cds_code.in_(schools))
    return [(code, name) for code, name in db.session.execute(query)]


@bp.route("/applications")
@requires(*OFFICE_AND_SCHOOLS)
def applications():
    cycle = _cycle()
    if cycle is None:
        return redirect(url_for(".index"))
    form, filters = _filter_form(cycle)
    page = paginate(services.staff_query(cycle, filters, _schools()), request.args.get("page"), 25)
    count = ngettext("%(num)d application", "%(num)d applications", page.total)
    return render(
        "enrollment/staff/applications.html",
        block="results",
        announce=count,
        count=count,
        cycle=cycle,
        form=form,
        page=page,
        schools=_schools(),
        duplicate_ids=services.duplicate_ids(cycle) if _is_office() else set(),
        status=INVALID if form.errors else 200,
    )


CSV_COLUMNS = (
    "confirmation_number", "status", "on_time_or_late", "source", "submitted_at",
    "child_last_name", "child_first_name", "date_of_birth", "grade", "current_school",
    "zip_code", "home_language", "rank", "school", "cds_code", "program", "eligibility", "claims",
)


@bp.route("/applications.csv")
@requires(*OFFICE_AND_SCHOOLS)
def export():
    """One row per choice of each application the filters match (what the list shows)."""
    cycle = _cycle()
    if cycle is None:
        abort(404)
    _form, filters = _filter_form(cycle)
    schools = _schools()
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the names as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for application in db.session.scalars(services.staff_query(cycle, filters, schools)):
        for choice in services.visible_choices(application, schools) or [None]:
            writer.writerow([_cell(value) for value in _csv_row(application, choice)])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="applications-{cycle.school_year}.csv"'
    )
    return response


def _csv_row(application: Application, choice: Choice | None) -> list:
    submitted = to_district(application.submitted_at).isoformat(timespec="minutes") if (
        application.submitted_at) else ""
    row = [
        application.confirmation_number or "", application.status,
        "late" if application.late else "on_time", application.source, submitted,
        application.child_last_name, application.child_first_name,
        application.date_of_birth.isoformat(), application.grade, application.current_school,
        application.zip_code, application.home_language,
    ]
    if choice is None:
        return [*row, "", "", "", "", "", ""]
    program = choice.cycle_program.program
    claims = "; ".join(f"{c.kind}:{c.status}" for c in choice.claims)
    return [*row, choice.rank, program.school.name, program.cds_code, program.program_type
            + (f":{program.language}" if program.language else ""), choice.eligibility, claims]


def _cell(value) -> str:
    # A cell that starts like a formula would run in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _visible_application(application_id: int) -> tuple[Application, list[Choice]]:
    application = db.get_or_404(Application, application_id)
    schools = _schools()
    choices = services.visible_choices(application, schools)
    if schools is not None and (not choices or application.status == models.DRAFT):
        abort(404)
    return application, choices


@bp.route("/applications/<int:application_id>")
@requires(*OFFICE_AND_SCHOOLS)
def application(application_id: int):
    application, choices = _visible_application(application_id)
    return _application_page(application, choices)


def _application_page(application, choices, forms=None, status=200):
    office = _is_office()
    duplicates = []
    if office:
        group = next(
            (g for g in services.possible_duplicates(application.cycle) if application in g), []
        )
        duplicates = [other for other in group if other.id != application.id]
    forms = forms or {}
    for choice in choices:
        for claim in choice.claims:
            if _may_decide(claim) and claim.id not in forms:
                forms[claim.id] = DecisionForm(formdata=None, prefix=f"claim{claim.id}")
    return render(
        "enrollment/staff/application.html",
        application=application,
        choices=choices,
        office=office,
        decision_forms=forms,
        eligibility_form=EligibilityForm(formdata=None),
        confirm=ConfirmForm(),
        duplicates=duplicates,
        may_decide=_may_decide,
        outcome=_outcome(application) if office else None,
        status=status,
    )


def _outcome(application: Application) -> results.FamilyResults | None:
    if results.published_run(application.cycle) is None:
        return None
    return results.family_results(application)


def _may_decide(claim: Claim) -> bool:
    """The office decides every claim; school staff decide sibling claims at their schools."""
    schools = _schools()
    if schools is None:
        return True
    return claim.kind == SIBLING and claim.choice.cycle_program.program.cds_code in schools


@bp.route("/claims/<int:claim_id>", methods=["POST"])
@requires(*OFFICE_AND_SCHOOLS)
def decide_claim(claim_id: int):
    claim = db.get_or_404(Claim, claim_id)
    application, choices = _visible_application(claim.choice.application_id)
    if not _may_decide(claim):
        abort(403)
    form = DecisionForm(prefix=f"claim{claim.id}")
    if not form.validate():
        return _application_page(application, choices, {claim.id: form}, status=INVALID)
    try:
        services.decide_claim(
            claim, form.decision.data == "verify", form.reason.data or "", form.note.data or "",
            current_user,
        )
    except services.EnrollmentError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Decision saved. The family is told by email."), "success")
    return redirect(url_for(".application", application_id=application.id) + f"#claim-{claim.id}")


@bp.route("/choices/<int:choice_id>/eligibility", methods=["POST"])
@requires(*OFFICE)
def decide_eligibility(choice_id: int):
    choice = db.get_or_404(Choice, choice_id)
    form = EligibilityForm()
    if not form.validate():
        flash(_("Choose eligible or not eligible."), "error")
    else:
        services.decide_eligibility(choice, form.decision.data == "eligible", current_user)
        db.session.commit()
        flash(_("Eligibility saved."), "success")
    return redirect(url_for(".application", application_id=choice.application_id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@requires(*OFFICE)
def withdraw(application_id: int):
    application = db.get_or_404(Application, application_id)
    if ConfirmForm().validate():
        try:
            services.withdraw(application, application.version, actor=current_user)
        except services.EnrollmentError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("The application is withdrawn."), "success")
    return redirect(url_for(".application", application_id=application.id))


# --- duplicates -------------------------------------------------------------------------------


@bp.route("/duplicates")
@requires(*OFFICE)
def duplicates():
    cycle = _cycle()
    groups = services.possible_duplicates(cycle) if cycle else []
    return render("enrollment/staff/duplicates.html", cycle=cycle, groups=groups,
                  confirm=ConfirmForm())


@bp.route("/duplicates/clear", methods=["POST"])
@requires(*OFFICE)
def clear_duplicates():
    ids = [number for number in map(as_int, request.form.getlist("application")) if number]
    applications = [db.session.get(Application, number) for number in ids[:20]]
    applications = [a for a in applications if a is not None]
    if ConfirmForm().validate() and len(applications) > 1:
        services.clear_duplicates(applications, current_user)
        db.session.commit()
        flash(_("Marked as different children."), "success")
    cycle_id = applications[0].cycle_id if applications else None
    return redirect(url_for(".duplicates", cycle=cycle_id))


# --- cycles -----------------------------------------------------------------------------------


def _cycle_fields(form: CycleForm) -> services.CycleFields:
    return services.CycleFields(
        school_year=form.school_year.data,
        waitlist_policy=form.waitlist_policy.data,
        max_choices=form.max_choices.data,
        **{name: services.from_district(form[name].data) for name in CycleForm.DATES},
    )


@bp.route("/cycles", methods=["GET", "POST"])
@requires(*OFFICE)
def cycles():
    form = CycleForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Cycle.id).where(Cycle.school_year == form.school_year.data)):
            form.school_year.errors = [_("There is already a cycle for this school year.")]
        else:
            cycle = services.save_cycle(None, _cycle_fields(form), current_user)
            db.session.commit()
            flash(_("Cycle created. Now add programs and seats."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
    return render(
        "enrollment/staff/cycles.html",
        cycles=db.session.scalars(select(Cycle).order_by(Cycle.opens_at.desc())).all(),
        form=form,
        status=INVALID if form.errors else 200,
    )


def _cycle_form_data(cycle: Cycle) -> dict:
    data = {name: to_district(getattr(cycle, name)).replace(tzinfo=None)
            for name in CycleForm.DATES}
    data.update(school_year=cycle.school_year, waitlist_policy=cycle.waitlist_policy,
                max_choices=cycle.max_choices)
    return data


@bp.route("/cycles/<int:cycle_id>", methods=["GET", "POST"])
@requires(*OFFICE)
def cycle(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    form = CycleForm(data=None if request.method == "POST" else _cycle_form_data(cycle))
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(Cycle.id).where(Cycle.school_year == form.school_year.data, Cycle.id != cycle.id)
        )
        if clash:
            form.school_year.errors = [_("There is already a cycle for this school year.")]
        else:
            services.save_cycle(cycle, _cycle_fields(form), current_user)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
    return _cycle_page(cycle, form=form)


def _cycle_page(cycle, form=None, extend=None, rules=None):
    forms = [form, extend, *[f for _, f in (rules or [])]]
    return render(
        "enrollment/staff/cycle.html",
        cycle=cycle,
        form=form or CycleForm(formdata=None, data=_cycle_form_data(cycle)),
        extend=extend or ExtendForm(formdata=None),
        rules=rules or _rule_forms(cycle, None),
        phase=services.phase(cycle),
        status=INVALID if any(f is not None and f.errors for f in forms) else 200,
    )


def _rule_forms(cycle: Cycle, formdata) -> list[tuple[str, RuleForm]]:
    existing = {rule.kind: rule for rule in cycle.rules}
    forms = []
    for kind in CLAIM_KINDS:
        rule = existing.get(kind)
        data = {"active": rule.active, "tier": rule.tier, "points": rule.points} if rule else {
            "active": False, "tier": 1, "points": 0}
        forms.append((kind, RuleForm(formdata=formdata, data=data, prefix=f"rule-{kind}")))
    return forms


@bp.route("/cycles/<int:cycle_id>/extend", methods=["POST"])
@requires(*OFFICE)
def extend(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            services.extend_window(
                cycle, form.window.data, services.from_district(form.closes_at.data),
                form.reason.data, current_user,
            )
        except services.EnrollmentError as exc:
            db.session.rollback()
            form.closes_at.errors = [str(exc.message)]
        else:
            db.session.commit()
            flash(_("The window is extended. Families see the new date now."), "success")
            return redirect(url_for(".cycle", cycle_id=cycle.id))
    return _cycle_page(cycle, extend=form)


@bp.route("/cycles/<int:cycle_id>/priorities", methods=["POST"])
@requires(*OFFICE)
def rules(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    token = ConfirmForm()
    forms = _rule_forms(cycle, request.form)
    valid = all([token.validate(), *[f.validate() for _, f in forms]])
    if valid:
        services.save_rules(
            cycle, {kind: (f.active.data, f.tier.data, f.points.data) for kind, f in forms},
            current_user,
        )
        db.session.commit()
        flash(_("Priorities saved."), "success")
        return redirect(url_for(".cycle", cycle_id=cycle.id) + "#priorities")
    if not token.validate():
        abort(400)
    return _cycle_page(cycle, rules=forms)


# --- programs and seats -----------------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/programs")
@requires(*OFFICE)
def cycle_programs(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    search = ProgramSearchForm(request.args)
    candidates = []
    if search.validate() and search.q.data:
        taken = select(CycleProgram.program_id).where(CycleProgram.cycle_id == cycle.id)
        query = (
            select(Program)
            .join(School, Program.cds_code == School.cds_code)
            .where(Program.id.not_in(taken))
            .order_by(School.name, Program.id)
            .limit(30)
        )
        for word in normalize(search.q.data).split()[:6]:
            query = query.where(School.search_text.contains(word, autoescape=True))
        candidates = db.session.scalars(query).all()
    listed = db.session.scalars(services.find_programs(cycle, services.ProgramFilters())).unique()
    return render(
        "enrollment/staff/programs.html",
        cycle=cycle,
        listed=list(listed),
        search=search,
        candidates=candidates,
        add_form=AddProgramForm(formdata=None),
        status=INVALID if search.errors else 200,
    )


@bp.route("/cycles/<int:cycle_id>/programs", methods=["POST"])
@requires(*OFFICE)
def add_program(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    form = AddProgramForm()
    program = db.session.get(Program, as_int(form.program_id.data) or 0)
    if not form.validate() or program is None:
        abort(400)
    cycle_program = services.add_program(cycle, program, form.eligibility_check.data,
                                         current_user)
    db.session.commit()
    flash(_("%(program)s added. Now enter its seats.", program=program_name(program)), "success")
    return redirect(url_for(".seats", cycle_id=cycle.id, cycle_program_id=cycle_program.id))


@bp.route("/cycles/<int:cycle_id>/programs/<int:cycle_program_id>", methods=["GET", "POST"])
@requires(*OFFICE)
def seats(cycle_id: int, cycle_program_id: int):
    cycle_program = db.get_or_404(CycleProgram, cycle_program_id)
    if cycle_program.cycle_id != cycle_id:
        abort(404)
    program = cycle_program.program
    grades = list(range(program.grade_low, program.grade_high + 1))
    data = {seats_field(row.grade): row.seats for row in cycle_program.seats}
    data["eligibility_check"] = cycle_program.eligibility_check
    form = seats_form(grades, formdata=request.form if request.method == "POST" else None,
                      data=data)
    if request.method == "POST" and form.validate():
        services.set_seats(
            cycle_program, {g: form[seats_field(g)].data for g in grades},
            form.eligibility_check.data, current_user,
        )
        db.session.commit()
        flash(_("Seats saved."), "success")
        return redirect(url_for(".cycle_programs", cycle_id=cycle_id))
    return render(
        "enrollment/staff/seats.html",
        cycle=cycle_program.cycle,
        cycle_program=cycle_program,
        form=form,
        fields=[(g, form[seats_field(g)]) for g in grades],
        status=INVALID if form.errors else 200,
    )


# --- demand -----------------------------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/demand")
@requires(*OFFICE_AND_SCHOOLS)
def demand(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    every = services.demand_report(cycle, _schools())
    show_all = request.args.get("all") == "1"
    rows = every if show_all else [row for row in every if row.total]
    wanted = sorted(
        (row for row in every if row.first_choice),
        key=lambda row: (-(row.first_choice / row.seats) if row.seats else -1e9, -row.total),
    )[:CHART_ROWS]
    return render("enrollment/staff/demand.html", cycle=cycle, rows=rows, show_all=show_all,
                  hidden=len(every) - len(rows), chart=_chart(wanted), generated_at=utcnow())


CHART_ROWS = 20
BAR_HEIGHT = 14
ROW_HEIGHT = 44
CHART_WIDTH = 320


def _chart(rows: list[services.DemandRow]) -> dict:
    """Geometry of the demand chart: per row, a bar of seats and a bar of applicants
    (first choices darker inside it), scaled to the largest number."""
    largest = max([1, *[max(r.seats, r.total) for r in rows]])
    scale = (CHART_WIDTH - 40) / largest
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT + 16
        bars.append({
            "row": row,
            "label_y": top - 4,
            "seats_y": top,
            "applicants_y": top + BAR_HEIGHT + 2,
            "seats_w": round(row.seats * scale, 1),
            "total_w": round(row.total * scale, 1),
            "first_w": round(row.first_choice * scale, 1),
            "label": _("%(grade)s: %(program)s", program=services.choice_title(row.cycle_program),
                       grade=grade_label(row.grade)),
        })
    return {"bars": bars, "width": CHART_WIDTH, "height": max(1, len(rows)) * ROW_HEIGHT + 8,
            "bar": BAR_HEIGHT}


# --- paper applications -----------------------------------------------------------------------


@bp.route("/paper", methods=["GET", "POST"])
@requires(*OFFICE)
def paper():
    cycle = services.current_cycle()
    if cycle is None or not services.accepting(cycle):
        flash(_("No cycle is taking applications now."), "error")
        return redirect(url_for(".index"))
    programs = {
        str(cp.id): cp
        for cp in db.session.scalars(services.find_programs(cycle, services.ProgramFilters()))
        .unique()
    }
    form = PaperForm()
    form.set_programs([(key, services.choice_title(cp)) for key, cp in programs.items()])
    if form.validate_on_submit():
        picked = form.picked()
        ineligible = [
            services.choice_title(programs[value])
            for value, *_ in picked
            if services.ineligibility(programs[value], int(form.grade.data))
        ]
        if ineligible:
            form.program_1.errors.append(
                _("These programs do not take this grade: %(programs)s.",
                  programs=", ".join(ineligible))
            )
        else:
            application = services.enter_paper_application(
                cycle, _paper_details(form), _contact(form),
                [services.PaperChoice(programs[value], _paper_claims(*claim))
                 for value, *claim in picked],
                current_user,
            )
            db.session.commit()
            flash(_("Paper application saved. Confirmation number: %(number)s.",
                    number=application.confirmation_number), "success")
            return redirect(url_for(".application", application_id=application.id))
    return render("enrollment/staff/paper.html", cycle=cycle, form=form,
                  status=INVALID if form.errors else 200)


def _paper_details(form: PaperForm) -> services.ChildDetails:
    return services.ChildDetails(
        first_name=form.first_name.data, last_name=form.last_name.data,
        date_of_birth=form.date_of_birth.data, grade=int(form.grade.data),
        current_school=form.current_school.data or "", street=form.street.data,
        city=form.city.data, zip_code=form.zip_code.data,
        home_language=form.home_language.data, student_id=form.student_id.data or "",
    )


def _contact(form: PaperForm) -> services.Contact:
    return services.Contact(
        name=form.contact_name.data, email=(form.contact_email.data or "").lower(),
        phone=form.contact_phone.data or "", locale=form.contact_locale.data,
    )


def _paper_claims(sibling: bool, name: str, student_id: str) -> services.ClaimInput:
    if not sibling:
        return services.ClaimInput()
    return services.ClaimInput(kinds={SIBLING}, sibling_name=name, sibling_student_id=student_id)


# --- selection: dry runs, comparison, publication ---------------------------------------------


def _run_or_404(run_id: int) -> SelectionRun:
    return db.get_or_404(SelectionRun, run_id)


def _program_titles(cycle: Cycle) -> dict[str, tuple[str, str]]:
    """Seat key -> (program title, grade label), for the run's tables."""
    titles = {}
    for cycle_program in db.session.scalars(services.cycle_programs(cycle)).unique():
        for row in cycle_program.seats:
            titles[results.seat_key(cycle_program.id, row.grade)] = (
                services.choice_title(cycle_program),
                grade_label(row.grade),
            )
    return titles


def _selection_page(cycle: Cycle, form=None, error=None, status: int = 200):
    runs = results.runs_of(cycle)
    return render(
        "enrollment/staff/selection.html",
        cycle=cycle,
        runs=runs,
        form=form or ConfirmForm(),
        published=next((run for run in runs if run.published_at), None),
        error=error,
        status=status,
    )


@bp.route("/cycles/<int:cycle_id>/selection", methods=["GET", "POST"])
@requires(*OFFICE)
def selection(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        if results.published_run(cycle) is not None:
            return _selection_page(
                cycle, form, _("A run of this cycle is already published."), status=409
            )
        run = results.dry_run(cycle, current_user)
        db.session.commit()
        flash(_("Dry run %(number)d is ready.", number=run.id), "success")
        return redirect(url_for(".selection_run", run_id=run.id))
    return _selection_page(cycle, form)


@bp.route("/runs/<int:run_id>")
@requires(*OFFICE)
def selection_run(run_id: int):
    run = _run_or_404(run_id)
    by = run.statistics["by_attribute"]
    return render(
        "enrollment/staff/run.html",
        cycle=run.cycle,
        run=run,
        grades=sorted(by.get("grade", {}).items(), key=lambda item: int(item[0])),
        languages=sorted(
            by.get("home_language", {}).items(), key=lambda item: (-item[1]["applicants"], item[0])
        ),
        titles=_program_titles(run.cycle),
        check_labels=results.CHECK_LABELS,
    )


@bp.route("/cycles/<int:cycle_id>/selection/compare")
@requires(*OFFICE)
def compare_runs(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    chosen = [as_int(request.args.get(name)) for name in ("first", "second")]
    runs = {run.id: run for run in results.runs_of(cycle)}
    if None in chosen or chosen[0] == chosen[1] or not all(c in runs for c in chosen):
        return _selection_page(
            cycle, error=_("Choose two different runs of this cycle to compare."), status=422
        )
    comparison = results.compare(runs[chosen[0]], runs[chosen[1]])
    return render(
        "enrollment/staff/compare.html",
        cycle=cycle,
        comparison=comparison,
        grade_rows=[
            (grade_label(int(grade)), a, b)
            for grade, a, b in _paired(comparison, "grade", key=lambda grade: int(grade))
        ],
        language_rows=[
            (str(models.HOME_LANGUAGES.get(code, code)), a, b)
            for code, a, b in _paired(comparison, "home_language", key=str)
        ],
    )


NO_APPLICANTS = {"applicants": 0, "first_choice": 0, "top_three": 0, "any_offer": 0, "no_offer": 0}


def _paired(comparison: results.Comparison, attribute: str, key) -> list[tuple]:
    """Each value of ``attribute`` with its outcomes in the first and the second run."""
    first = comparison.first.statistics["by_attribute"].get(attribute, {})
    second = comparison.second.statistics["by_attribute"].get(attribute, {})
    return [
        (value, first.get(value, NO_APPLICANTS), second.get(value, NO_APPLICANTS))
        for value in sorted(set(first) | set(second), key=key)
    ]


@bp.route("/runs/<int:run_id>/publish", methods=["GET", "POST"])
@requires(*OFFICE)
def publish_run(run_id: int):
    run = _run_or_404(run_id)
    form = ConfirmForm()
    error = None
    if request.method == "POST" and form.validate():
        try:
            results.publish(run, current_user)
        except services.EnrollmentError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(
                _(
                    "Run %(number)d is published. Families see their results from %(when)s.",
                    number=run.id,
                    when=services.local_when(run.cycle.results_at),
                ),
                "success",
            )
            return redirect(url_for(".placements", cycle_id=run.cycle_id))
    return render(
        "enrollment/staff/publish.html",
        cycle=run.cycle,
        run=run,
        form=form,
        error=error,
        status=409 if error else 200,
    )


# --- seats after publication ------------------------------------------------------------------

PLACEMENT_COLUMNS = (
    "school",
    "cds_code",
    "program",
    "grade",
    "seats",
    "accepted",
    "offers_outstanding",
    "open",
    "waitlist",
)


@bp.route("/cycles/<int:cycle_id>/placements")
@requires(*OFFICE_AND_SCHOOLS)
def placements(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    return render(
        "enrollment/staff/placements.html",
        cycle=cycle,
        rows=results.seat_report(cycle, _schools()),
        published=results.published_run(cycle),
        generated_at=utcnow(),
    )


@bp.route("/cycles/<int:cycle_id>/placements.csv")
@requires(*OFFICE_AND_SCHOOLS)
def placements_csv(cycle_id: int):
    cycle = _cycle_or_404(cycle_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(PLACEMENT_COLUMNS)
    for row in results.seat_report(cycle, _schools()):
        program = row.cycle_program.program
        writer.writerow(
            [
                _cell(value)
                for value in (
                    program.school.name,
                    program.cds_code,
                    program_name(program),
                    row.grade,
                    row.seats,
                    row.accepted,
                    row.outstanding,
                    row.open,
                    row.waiting,
                )
            ]
        )
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="placements-{cycle.school_year}.csv"'
    )
    return response


# --- answering for a family, and its letter ---------------------------------------------------


def _staff_offer(offer_id: int) -> Offer:
    return db.get_or_404(Offer, offer_id)


@bp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@requires(*OFFICE)
def accept_offer(offer_id: int):
    """The office records a family's answer given by phone, in person or on paper."""
    done = _("The seat was accepted for the family.")
    return _answer(_staff_offer(offer_id), results.accept, done)


@bp.route("/offers/<int:offer_id>/decline", methods=["POST"])
@requires(*OFFICE)
def decline_offer(offer_id: int):
    done = _("The seat was declined for the family.")
    return _answer(_staff_offer(offer_id), results.decline, done)


def _answer(offer: Offer, answer, done: str):
    if not ConfirmForm().validate():
        abort(400)
    application_id = offer.application_id
    try:
        answer(offer, current_user)
    except services.EnrollmentError as exc:
        db.session.rollback()
        application, choices = _visible_application(application_id)
        flash(str(exc.message), "error")
        return _application_page(application, choices, status=409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".application", application_id=application_id))


@bp.route("/applications/<int:application_id>/letter")
@requires(*OFFICE)
def letter(application_id: int):
    """The family's results letter, to print in the language of the page (the family's)."""
    application = db.get_or_404(Application, application_id)
    outcome = _outcome(application)
    if outcome is None:
        abort(404)
    return render(
        "enrollment/letter.html",
        application=application,
        cycle=application.cycle,
        outcome=outcome,
        back_url=url_for(".application", application_id=application_id),
    )
