"""Unified enrollment for families: browse programs, apply for each child, follow the result.

Every application view checks that the application belongs to the signed-in account
(another family's id answers 404). Each step saves at once, so a draft can be resumed on
any device; saves carry the version the page was shown at (optimistic locking).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from app.accounts.access import public, signed_in
from app.accounts.forms import ConfirmForm
from app.enrollment import models, results, services
from app.enrollment.forms import (
    AddChoiceForm,
    ChildForm,
    ChoiceClaimsForm,
    ProgramFilterForm,
    SubmitForm,
    VersionForm,
    as_int,
)
from app.enrollment.models import SUBMITTED, Application, Choice, CycleProgram, Offer
from app.errors import CSRF_MESSAGE, error_page
from app.extensions import db, limiter
from app.pagination import paginate
from app.schools.grades import grade_label
from app.timeutil import utcnow
from app.web import render

bp = Blueprint("enrollment", __name__, url_prefix="/apply")

INVALID = 422
PER_PAGE = 10  # programs per page: phones, slow connections
STASH_COOKIE = "enrollment_stash"
STASH_LIMIT = "20/hour"
# Forms whose typed contents are kept when the session has expired.
STASHED_FORMS = {"enrollment.new", "enrollment.child", "enrollment.priorities"}
# Where a POST-only view sends someone back to.
RETURN_TO = {
    "enrollment.add_choice": ".choices",
    "enrollment.change_choice": ".choices",
    "enrollment.submit": ".review",
    "enrollment.accept_offer": ".application",
}


@bp.app_context_processor
def _enrollment_helpers():
    return {
        "enrollment_labels": models,
        "grade_label": grade_label,
        "choice_title": services.choice_title,
        "enrollment_phase": services.phase,
        "enrollment_when": services.local_when,
        "enrollment_ineligibility": services.ineligibility,
        "enrollment_grades": services.grade_list,
        "enrollment_results": results,
    }


# --- signed out while filling a form ----------------------------------------------------------


@bp.before_request
def _signed_out_post():
    """A POST without a signed-in account: keep what was typed, then go through sign-in."""
    if request.method == "POST" and not current_user.is_authenticated:
        return _keep_and_return()
    return None


@bp.errorhandler(CSRFError)
def _expired_form(exc):
    """The session (and its CSRF token) expired while the form was open: keep the data."""
    if request.method == "POST" and request.endpoint in (STASHED_FORMS | set(RETURN_TO)):
        return _keep_and_return()
    return error_page(400, CSRF_MESSAGE)


def _keep_and_return():
    target = _return_url()
    response = _go(target)
    if request.endpoint in STASHED_FORMS and _may_stash():
        data = {
            key: value[:500]
            for key, value in list(request.form.items(multi=False))[:60]
            if key != "csrf_token"
        }
        token = services.stash_form(request.endpoint, _application_id(), data)
        db.session.commit()
        response.set_cookie(
            STASH_COOKIE, token, max_age=int(services.STASH_LIFETIME.total_seconds()),
            httponly=True, samesite="Lax", secure=request.is_secure,
        )
        flash(_("You were signed out, so your changes are not saved yet. We kept what you "
                "typed: sign in, check it and save."), "info")
    elif current_user.is_authenticated:
        flash(_("The page had expired, so that was not saved. Please do it again."), "info")
    return response


def _may_stash() -> bool:
    """Anyone can send a form signed out, so the forms kept are counted per address."""
    from flask_limiter.util import get_remote_address
    from limits import parse

    return limiter.limiter.hit(parse(STASH_LIMIT), "enrollment-stash", get_remote_address())


def _application_id() -> int | None:
    return (request.view_args or {}).get("application_id")


def _return_url() -> str:
    endpoint = RETURN_TO.get(request.endpoint or "")
    if endpoint and _application_id() is not None:
        return url_for(endpoint, application_id=_application_id())
    return request.full_path.rstrip("?")


def _restored(endpoint: str, application_id: int | None) -> MultiDict | None:
    """What a signed-out POST to this form kept, as form data, or None."""
    data = services.take_stash(request.cookies.get(STASH_COOKIE), endpoint, application_id)
    if data is None:
        return None
    db.session.commit()
    flash(_("Here is what you typed before you were signed out. Check it, then save."), "info")
    return MultiDict(data)


def _forget_stash(response):
    if request.cookies.get(STASH_COOKIE):
        response.delete_cookie(STASH_COOKIE)
    return response


# --- helpers ----------------------------------------------------------------------------------


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _go(url: str):
    """Redirect; an htmx request gets a full-page navigation instead of a swapped redirect."""
    if _is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        response.vary.add("HX-Request")
        return response
    return redirect(url)


def _owned(application_id: int, claims: bool = True) -> Application:
    application = services.owned_application(application_id, current_user.id, claims)
    if application is None:
        abort(404)
    return application


def _owned_choice(application: Application, choice_id: int) -> Choice:
    choice = next((c for c in application.choices if c.id == choice_id), None)
    if choice is None:
        abort(404)
    return choice


def _refused(exc: services.EnrollmentError, application_id: int, endpoint: str = ".choices"):
    """After a refused save: roll back, tell why, show the current state."""
    db.session.rollback()
    flash(str(exc.message), "error")
    return _go(url_for(endpoint, application_id=application_id))


def _family_applications_in(cycle) -> list[Application]:
    if not current_user.is_authenticated:
        return []
    return [a for a in services.family_applications(current_user.id) if a.cycle_id == cycle.id]


# --- browsing ---------------------------------------------------------------------------------


@bp.route("")
@public
def programs():
    """Programs taking applications, the family's applications, and the dates."""
    cycle = services.current_cycle()
    form = ProgramFilterForm(request.args)
    page = highlighted = None
    applications = []
    if cycle is not None:
        applications = _family_applications_in(cycle)
        highlighted = services.cycle_program_for(cycle, as_int(request.args.get("program")))
        if form.validate():
            page = paginate(
                services.find_programs(cycle, _filters(form)), request.args.get("page"), PER_PAGE
            )
    return render(
        "enrollment/programs.html",
        block="results",
        announce=_found(page),
        cycle=cycle,
        form=form,
        page=page,
        highlighted=highlighted,
        applications=applications,
        editable=[a for a in applications if services.lock_reason(a) is None],
        add_form=AddChoiceForm(),
        now=utcnow(),
        status=INVALID if form.errors else 200,
    )


def _filters(form: ProgramFilterForm) -> services.ProgramFilters:
    return services.ProgramFilters(
        q=form.q.data or "",
        grade=as_int(form.grade.data) if form.grade.data else None,
        program_type=form.type.data or "",
        language=form.language.data or "",
    )


def _found(page) -> str | None:
    if page is None:
        return None
    return ngettext("%(num)d program found", "%(num)d programs found", page.total)


# --- step 1: the child ------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    cycle = services.current_cycle()
    program_id = as_int(request.args.get("program"))
    wanted = services.cycle_program_for(cycle, program_id) if cycle else None
    if cycle is None or not services.accepting(cycle):
        return render("enrollment/closed.html", cycle=cycle, now=utcnow())
    kept = _restored("enrollment.new", None) if request.method == "GET" else None
    form = ChildForm(formdata=kept) if kept else ChildForm()
    if request.method == "GET" and not form.client_token.data:
        form.new_token()
    if request.method == "POST" and form.validate():
        application = services.start_application(
            current_user, cycle, _details(form), form.client_token.data or ""
        )
        if wanted is not None and not application.choices:
            _add_wanted(application, wanted)
        db.session.commit()
        return _go(url_for(".choices", application_id=application.id))
    return _forget_stash(
        render(
            "enrollment/child.html",
            block="form",
            form=form,
            application=None,
            cycle=cycle,
            wanted=wanted,
            status=INVALID if form.errors else 200,
        )
    )


def _add_wanted(application: Application, wanted: CycleProgram) -> None:
    try:
        services.add_choice(application, wanted, application.version)
    except services.EnrollmentError as exc:
        flash(
            _("We could not add %(program)s: %(reason)s",
              program=services.choice_title(wanted), reason=exc.message),
            "error",
        )


def _details(form: ChildForm) -> services.ChildDetails:
    return services.ChildDetails(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        date_of_birth=form.date_of_birth.data,
        grade=int(form.grade.data),
        current_school=form.current_school.data or "",
        street=form.street.data,
        city=form.city.data,
        zip_code=form.zip_code.data,
        home_language=form.home_language.data,
        student_id=form.student_id.data or "",
    )


@bp.route("/<int:application_id>/child", methods=["GET", "POST"])
@signed_in
def child(application_id: int):
    application = _owned(application_id)
    kept = _restored("enrollment.child", application.id) if request.method == "GET" else None
    if kept:
        form = ChildForm(formdata=kept)
    else:
        form = ChildForm(data=_child_data(application) if request.method == "GET" else None)
    error = None
    if request.method == "POST" and form.validate():
        try:
            services.update_child(application, _details(form), as_int(form.version.data))
        except services.StaleVersion as exc:
            error = _stale(exc, form, application_id)
            application = _owned(application_id)
        except services.Locked as exc:
            return _refused(exc, application_id, ".application")
        except services.GradeConflict as exc:
            db.session.rollback()
            form.grade.errors = [str(exc.message)]
            application = _owned(application_id)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return _go(url_for(".choices", application_id=application.id))
    return _forget_stash(
        render(
            "enrollment/child.html",
            block="form",
            form=form,
            application=application,
            cycle=application.cycle,
            locked=services.lock_reason(application),
            error=error,
            status=INVALID if (form.errors or error) else 200,
        )
    )


def _stale(exc, form, application_id: int) -> str:
    """Keep what was typed and show it against the saved version (now current)."""
    db.session.rollback()
    current = _owned(application_id)
    form.version.data = str(current.version)
    return str(exc.message)


def _child_data(application: Application) -> dict:
    details = services.details_of(application)
    data = dict(vars(details))
    data["grade"] = str(details.grade)
    data["version"] = str(application.version)
    return data


# --- step 2: choices --------------------------------------------------------------------------


@bp.route("/<int:application_id>/choices")
@signed_in
def choices(application_id: int):
    return _workspace(_owned(application_id, claims=False), block="results")


def _search_args(application: Application) -> MultiDict:
    """The program search of the choices page; by default, programs for the child's grade."""
    if request.args:
        return request.args
    return MultiDict({"grade": str(application.grade)})


def _workspace(
    application, block="workspace", status=200, error=None, announce=None, focus=None
):
    """The ranked list and the program search, with the search in the URL's query string
    (the buttons post to URLs that keep it, so a re-rendered page keeps the search)."""
    form = ProgramFilterForm(_search_args(application))
    page = None
    if form.validate():
        query = services.find_programs(application.cycle, _filters(form))
        page = paginate(query, request.args.get("page"), PER_PAGE)
    return render(
        "enrollment/choices.html",
        block=block,
        application=application,
        cycle=application.cycle,
        form=form,
        page=page,
        announce=error or announce or _found(page),
        error=error,
        locked=services.lock_reason(application),
        version_form=VersionForm(),
        chosen={c.cycle_program_id: c for c in application.choices},
        focus=focus if _is_htmx() else None,
        status=status,
    )


@bp.route("/<int:application_id>/choices/add", methods=["POST"])
@signed_in
def add_choice(application_id: int):
    application = _owned(application_id, claims=False)
    form = AddChoiceForm()
    if not form.validate():
        abort(400)
    cycle_program = services.get_cycle_program(as_int(form.cycle_program.data) or 0)
    if cycle_program is None:
        abort(404)
    try:
        services.add_choice(application, cycle_program, as_int(form.version.data))
    except services.EnrollmentError as exc:
        return _choice_refused(exc, application_id)
    _commit_keeping_state()
    message = _("%(program)s is number %(rank)d on the list.",
                program=services.choice_title(cycle_program), rank=len(application.choices))
    return _choice_saved(application, message, focus=f"added{cycle_program.id}",
                         changed=cycle_program)


@bp.route(
    "/<int:application_id>/choices/<int:choice_id>/<any(up, down, remove):action>",
    methods=["POST"],
)
@signed_in
def change_choice(application_id: int, choice_id: int, action: str):
    application = _owned(application_id, claims=False)
    choice = _owned_choice(application, choice_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    cycle_program = choice.cycle_program
    title = services.choice_title(cycle_program)
    try:
        if action == "remove":
            services.remove_choice(application, choice, as_int(form.version.data))
        else:
            services.move_choice(application, choice, action, as_int(form.version.data))
    except services.EnrollmentError as exc:
        return _choice_refused(exc, application_id)
    _commit_keeping_state()
    if action == "remove":
        message = _("%(program)s was removed from the list.", program=title)
        return _choice_saved(application, message, focus="heading", changed=cycle_program)
    choice = _owned_choice(application, choice_id)
    message = _("%(program)s is now number %(rank)d.", program=title, rank=choice.rank)
    return _choice_saved(application, message, focus=_focus_after_move(application, choice))


def _focus_after_move(application: Application, choice: Choice) -> str:
    """Keep the keyboard on the moved program: on the same button while it still exists."""
    count = len(application.choices)
    if count == 1:
        return f"remove{choice.id}"
    if choice.rank == 1:
        return f"down{choice.id}"
    if choice.rank == count:
        return f"up{choice.id}"
    return f"{request.view_args['action']}{choice.id}"


def _commit_keeping_state() -> None:
    """Commit, and keep the loaded objects as they are (they were just written), so the
    list can be shown again without reading it back."""
    session = db.session()
    session.expire_on_commit = False
    session.commit()


def _choices_url(application_id: int) -> str:
    return url_for(".choices", application_id=application_id, **request.args) + "#choices"


def _choice_saved(
    application: Application, message: str, focus: str | None = None,
    changed: CycleProgram | None = None,
):
    """After a change to the list: the list again (htmx), or the page (no JavaScript).

    Under htmx only the list is sent, with the one program card whose state changed (out of
    band); when the list just became full, or stopped being full, the search results change
    everywhere, so the whole workspace is sent.
    """
    if not _is_htmx():
        flash(message, "success")
        return redirect(_choices_url(application.id))
    if len(application.choices) >= application.cycle.max_choices - 1 and changed is not None:
        response = _workspace(application, announce=message, focus=focus)
        response.headers["HX-Retarget"] = "#workspace"
        return response
    response = _list(application, announce=message, focus=focus)
    if changed is not None:
        response.set_data(response.get_data() + _card(application, changed, focus).encode())
    return response


def _list(application: Application, status: int = 200, error=None, announce=None, focus=None):
    return render(
        "enrollment/choices.html",
        block="choices",
        application=application,
        cycle=application.cycle,
        locked=services.lock_reason(application),
        error=error,
        announce=error or announce,
        focus=focus,
        status=status,
    )


def _card(application: Application, cycle_program: CycleProgram, focus: str | None) -> str:
    from flask import render_template

    return render_template(
        "enrollment/_result_card.html",
        cp=cycle_program,
        application=application,
        cycle=application.cycle,
        chosen={c.cycle_program_id: c for c in application.choices},
        args=request.args.to_dict(),
        focus=focus,
        oob=True,
    )


def _choice_refused(exc: services.EnrollmentError, application_id: int):
    db.session.rollback()
    if not _is_htmx():
        flash(str(exc.message), "error")
        return redirect(_choices_url(application_id))
    return _list(_owned(application_id, claims=False), status=INVALID, error=str(exc.message))


# --- step 3: priorities -----------------------------------------------------------------------


@bp.route("/<int:application_id>/priorities", methods=["GET", "POST"])
@signed_in
def priorities(application_id: int):
    application = _owned(application_id)
    accepted = [rule.kind for rule in application.cycle.rules if rule.active]
    kept = _restored("enrollment.priorities", application.id) if request.method == "GET" else None
    source = request.form if request.method == "POST" else kept
    shown = None if request.method == "POST" else {"version": str(application.version)}
    form = VersionForm(formdata=source, data=shown)
    subforms = _claim_forms(application, source)
    error = None
    valid = False
    if request.method == "POST":
        valid = all([form.validate(), *[f.validate() for _, f in subforms]])
    if valid:
        claims = {
            choice.id: services.ClaimInput(
                kinds=f.kinds(), sibling_name=f.sibling_name.data or "",
                sibling_student_id=f.sibling_student_id.data or "",
            )
            for choice, f in subforms
        }
        try:
            services.save_claims(application, claims, as_int(form.version.data))
        except services.StaleVersion as exc:
            error = _stale(exc, form, application_id)
            application = _owned(application_id)
            subforms = _claim_forms(application, request.form)
            for _choice, f in subforms:
                f.validate()
        except services.Locked as exc:
            return _refused(exc, application_id, ".application")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return _go(url_for(".review", application_id=application.id))
    invalid = bool(form.errors or error or any(f.errors for _, f in subforms))
    return _forget_stash(
        render(
            "enrollment/priorities.html",
            block="form",
            application=application,
            cycle=application.cycle,
            form=form,
            subforms=subforms,
            accepted=accepted,
            locked=services.lock_reason(application),
            error=error,
            status=INVALID if invalid else 200,
        )
    )


def _claim_forms(application: Application, formdata) -> list[tuple[Choice, ChoiceClaimsForm]]:
    forms = []
    for choice in application.choices:
        data = {}
        for claim in choice.claims:
            data[claim.kind] = True
            if claim.kind == models.SIBLING:
                data["sibling_name"] = claim.sibling_name
                data["sibling_student_id"] = claim.sibling_student_id
        forms.append(
            (choice, ChoiceClaimsForm(formdata=formdata, data=data, prefix=f"c{choice.id}"))
        )
    return forms


# --- step 4: review and submit ----------------------------------------------------------------


@bp.route("/<int:application_id>/review")
@signed_in
def review(application_id: int):
    application = _owned(application_id)
    form = SubmitForm(data={"version": str(application.version)})
    form.new_token()
    return _review_page(application, form)


def _review_page(application, form, error=None, status=200):
    return render(
        "enrollment/review.html",
        block="form",
        application=application,
        cycle=application.cycle,
        form=form,
        problems=services.submission_problems(application),
        error=error,
        status=status,
    )


@bp.route("/<int:application_id>/submit", methods=["POST"])
@signed_in
def submit(application_id: int):
    # Concurrent submissions of one application queue on its row, then see each other.
    if not services.lock_application(application_id, current_user.id):
        abort(404)
    application = _owned(application_id)
    form = SubmitForm()
    if not form.validate():
        return _review_page(application, form, status=INVALID)
    try:
        sent = services.submit(
            application, form.submission_token.data or "", as_int(form.version.data)
        )
    except services.StaleVersion as exc:
        db.session.rollback()
        application = _owned(application_id)
        if application.status == SUBMITTED and application.submission_token:
            flash(_("This application was already sent (perhaps from another window). "
                    "Here is its confirmation."), "info")
            return _go(url_for(".application", application_id=application_id))
        form.version.data = str(application.version)
        return _review_page(application, form, error=str(exc.message), status=INVALID)
    except services.NotReady as exc:
        db.session.rollback()
        return _review_page(_owned(application_id), form, error=str(exc.message),
                            status=INVALID)
    except services.Locked as exc:
        return _refused(exc, application_id, ".application")
    db.session.commit()
    if sent:
        flash(_("Your application is sent. Keep the confirmation number."), "success")
    return _go(url_for(".application", application_id=application_id, sent=1))


# --- after submission -------------------------------------------------------------------------


@bp.route("/<int:application_id>")
@signed_in
def application(application_id: int):
    return _application_page(_owned(application_id))


def _application_page(application: Application, error=None, status: int = 200):
    cycle = application.cycle
    released = results.released(cycle)
    outcome = results.family_results(application) if released else None
    return render(
        "enrollment/application.html",
        application=application,
        cycle=cycle,
        locked=services.lock_reason(application),
        may_withdraw=services.may_withdraw(application),
        just_sent=request.args.get("sent") == "1",
        outcome=outcome,
        may_give_up=outcome is not None and results.may_give_up(application, outcome),
        error=error,
        status=status,
    )


@bp.route("/<int:application_id>/confirmation")
@signed_in
def confirmation(application_id: int):
    application = _owned(application_id)
    if application.confirmation_number is None:
        abort(404)
    return render("enrollment/confirmation.html", application=application,
                  cycle=application.cycle)


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw(application_id: int):
    application = _owned(application_id)
    if request.method == "POST":
        form = VersionForm()
    else:
        form = VersionForm(data={"version": str(application.version)})
    if request.method == "POST" and form.validate():
        try:
            services.withdraw(application, as_int(form.version.data))
        except services.EnrollmentError as exc:
            return _refused(exc, application_id, ".application")
        db.session.commit()
        flash(_("The application for %(child)s is withdrawn.", child=application.child_name),
              "success")
        return _go(url_for(".programs"))
    return render("enrollment/withdraw.html", application=application, form=form,
                  may_withdraw=services.may_withdraw(application))


# --- results: offers, answers, waitlists ------------------------------------------------------


def _released_application(application_id: int) -> Application:
    application = _owned(application_id)
    if not results.released(application.cycle):
        abort(404)
    return application


def _owned_offer(application: Application, offer_id: int) -> Offer:
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.application_id != application.id:
        abort(404)
    return offer


def _answer_refused(exc: services.EnrollmentError, application: Application):
    db.session.rollback()
    application = _owned(application.id)
    return _application_page(application, error=exc.message, status=409)


@bp.route("/<int:application_id>/offers/<int:offer_id>/accept", methods=["POST"])
@signed_in
def accept_offer(application_id: int, offer_id: int):
    application = _released_application(application_id)
    offer = _owned_offer(application, offer_id)
    if not ConfirmForm().validate():
        abort(400)
    title = services.choice_title(offer.cycle_program)
    try:
        results.accept(offer, current_user)
    except services.EnrollmentError as exc:
        return _answer_refused(exc, application)
    db.session.commit()
    flash(_("You accepted the seat in %(program)s.", program=title), "success")
    return _go(url_for(".application", application_id=application_id))


@bp.route("/<int:application_id>/offers/<int:offer_id>/decline", methods=["GET", "POST"])
@signed_in
def decline_offer(application_id: int, offer_id: int):
    application = _released_application(application_id)
    offer = _owned_offer(application, offer_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        title = services.choice_title(offer.cycle_program)
        try:
            results.decline(offer, current_user)
        except services.EnrollmentError as exc:
            return _answer_refused(exc, application)
        db.session.commit()
        flash(_("You declined the seat in %(program)s.", program=title), "success")
        return _go(url_for(".application", application_id=application_id))
    return render(
        "enrollment/decline.html",
        application=application,
        offer=offer,
        form=form,
        offer_status=results.shown_status(offer),
    )


@bp.route("/<int:application_id>/give-up", methods=["GET", "POST"])
@signed_in
def give_up(application_id: int):
    application = _released_application(application_id)
    outcome = results.family_results(application)
    allowed = results.may_give_up(application, outcome)
    form = ConfirmForm()
    if request.method == "POST" and form.validate() and allowed:
        results.give_up(application, current_user)
        db.session.commit()
        flash(
            _(
                "%(child)s has left the selection. Every offer and waitlist place is given up.",
                child=application.child_first_name,
            ),
            "success",
        )
        return _go(url_for(".application", application_id=application_id))
    return render(
        "enrollment/give_up.html",
        application=application,
        outcome=outcome,
        form=form,
        allowed=allowed,
    )


@bp.route("/<int:application_id>/letter")
@signed_in
def letter(application_id: int):
    application = _released_application(application_id)
    return render(
        "enrollment/letter.html",
        application=application,
        cycle=application.cycle,
        outcome=results.family_results(application),
    )
