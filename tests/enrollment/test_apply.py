"""The family's application: browse, start, choose and rank, claim, review, submit, change."""

import re

import pytest

from app.enrollment.models import Application, Choice, Claim
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from tests.enrollment.factories import (
    CHILD,
    add,
    application,
    count,
    make_world,
    move_cycle,
    start,
    submit,
    version,
)


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def family(login_as):
    from app.accounts.access import Role

    return login_as(Role.FAMILY, email="maya.parent@example.test")


def text(response) -> str:
    return response.get_data(as_text=True)


# --- browsing ---------------------------------------------------------------------------------


def test_home_and_snapshots_link_to_the_programs(client, world):
    assert 'href="/en/apply"' in text(client.get("/en/"))
    cds = next(iter(world.schools.values()))
    snapshot = text(client.get(f"/en/schools/{cds}"))
    assert f"/en/apply?program={world.program_ids['magnet']}" in snapshot


def test_anyone_can_browse_and_filter_programs(client, world):
    page = text(client.get("/en/apply"))
    assert "4 programs found" in page and "Jacaranda Elementary" in page
    assert "Sign in to apply" in page
    assert "2 programs found" in text(client.get("/en/apply?grade=0"))
    assert "1 program found" in text(client.get("/en/apply?type=sas"))
    assert "1 program found" in text(client.get("/en/apply?language=es"))
    assert "1 program found" in text(client.get("/en/apply?q=arroyo"))
    assert "1 program found" in text(client.get("/en/apply?q=arroyo&grade=6&type=magnet"))


def test_bad_filters_get_a_message_not_an_error(client, world):
    response = client.get("/es/apply?grade=99&type=nope")
    assert response.status_code == 422
    assert 'class="error-summary"' in text(response)


def test_a_program_chosen_on_a_snapshot_is_offered_first(client, world, family):
    page = text(client.get(f"/en/apply?program={world.program_ids['spanish']}"))
    assert "You chose Dual language (Spanish) at Jacaranda Elementary" in page
    application_id = start(client, program=world.program_ids["spanish"])
    found = application(client.application, application_id)
    assert [c.cycle_program_id for c in found.choices] == [world.programs["spanish"]]
    assert found.choices[0].eligibility == "pending"


def test_htmx_search_answers_with_the_results_only(client, world):
    response = client.get("/en/apply?grade=6", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<section id="results"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


# --- starting ---------------------------------------------------------------------------------


def test_start_needs_a_signed_in_account(client, world):
    response = client.get("/en/apply/new")
    assert response.status_code == 302
    assert "/account/sign-in?next=/en/apply/new" in response.headers["Location"]


def test_the_child_form_explains_each_mistake(client, world, family):
    response = client.submit(
        "/es/apply/new",
        {**CHILD, "first_name": "", "date_of_birth": "02/04/2021", "zip_code": "9001",
         "grade": "44", "student_id": "12a"},
    )
    assert response.status_code == 422
    page = text(response)
    assert 'lang="es"' in page
    for field in ("first_name", "date_of_birth", "zip_code", "grade", "student_id"):
        assert f'id="{field}-error"' in page, field
    assert 'value="Lopez"' in page  # what was typed stays
    assert count(client.application, Application) == 0


def test_invalid_child_form_under_htmx_is_swapped_in_place(client, world, family):
    response = client.submit("/en/apply/new", {**CHILD, "city": ""},
                             headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert text(response).startswith('<div id="child-form">')


def test_a_double_click_on_start_makes_one_draft(client, world, family):
    page = text(client.get("/en/apply/new"))
    token = re.search(r'name="client_token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    first = client.submit("/en/apply/new", {**CHILD, "client_token": token})
    second = client.submit("/en/apply/new", {**CHILD, "client_token": token})
    assert first.headers["Location"] == second.headers["Location"]
    assert count(client.application, Application) == 1


def test_htmx_success_navigates_the_whole_page(client, world, family):
    page = text(client.get("/en/apply/new"))
    token = re.search(r'name="client_token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.submit("/en/apply/new", {**CHILD, "client_token": token},
                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert re.fullmatch(r"/en/apply/\d+/choices", response.headers["HX-Redirect"])


def test_several_children_on_one_account(client, world, family):
    start(client)
    start(client, first_name="Leo", grade="6", date_of_birth="2015-02-01")
    page = text(client.get("/en/apply"))
    assert "Maya Lopez" in page and "Leo Lopez" in page
    assert "Start an application for another child" in page


# --- choosing and ranking ---------------------------------------------------------------------


def test_rank_with_buttons_without_javascript(client, app, world, family):
    application_id = start(client)
    for name in ("magnet", "spanish"):
        assert add(client, application_id, world.programs[name], app).status_code == 302
    first = application(app, application_id).choices
    assert [c.cycle_program_id for c in first] == [world.programs["magnet"],
                                                   world.programs["spanish"]]
    spanish = first[1].id
    response = client.submit(
        f"/en/apply/{application_id}/choices/{spanish}/up",
        {"version": version(app, application_id)},
        page=f"/en/apply/{application_id}/choices",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#choices")
    ranked = application(app, application_id).choices
    assert [(c.cycle_program_id, c.rank) for c in ranked] == [
        (world.programs["spanish"], 1), (world.programs["magnet"], 2)]
    client.submit(f"/en/apply/{application_id}/choices/{spanish}/remove",
                  {"version": version(app, application_id)},
                  page=f"/en/apply/{application_id}/choices")
    remaining = application(app, application_id).choices
    assert [(c.cycle_program_id, c.rank) for c in remaining] == [(world.programs["magnet"], 1)]


def test_rank_with_htmx_swaps_the_list_and_keeps_the_search(client, app, world, family):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    add(client, application_id, world.programs["spanish"], app)
    spanish = application(app, application_id).choices[1].id
    url = f"/en/apply/{application_id}/choices/{spanish}/up?q=jacaranda&grade=0"
    response = client.submit(url, {"version": version(app, application_id)},
                             page=f"/en/apply/{application_id}/choices",
                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<section id="choices"')  # only the list is sent
    assert "q=jacaranda" in body  # its buttons keep the search the family had
    assert "is now number 1" in body  # announced to screen readers
    assert "autofocus" in body  # the keyboard stays on the moved program


def test_adding_with_htmx_updates_the_list_and_that_programs_card(client, app, world, family):
    application_id = start(client)
    response = client.submit(
        f"/en/apply/{application_id}/choices/add?grade=0",
        {"cycle_program": world.programs["magnet"]},
        page=f"/en/apply/{application_id}/choices",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<section id="choices"')
    card = f'<li class="program-card" id="program-{world.programs["magnet"]}" hx-swap-oob="true">'
    assert card in body and "On the list." in body


def test_ineligible_programs_say_why_and_cannot_be_added(client, app, world, family):
    application_id = start(client)  # kindergarten
    page = text(client.get(f"/en/apply/{application_id}/choices?grade="))
    assert "Not possible for Maya" in page
    assert "takes applications for grade 6 only" in page.lower() or "Grade 6" in page
    response = add(client, application_id, world.programs["middle"], app)
    assert response.status_code == 302
    assert application(app, application_id).choices == []
    assert "not for Kindergarten" in text(client.get(response.headers["Location"]))


def test_a_grade_change_flags_choices_and_blocks_submission(client, app, world, family):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    client.submit(f"/en/apply/{application_id}/child",
                  {**CHILD, "grade": "6", "version": version(app, application_id)})
    review = text(client.get(f"/en/apply/{application_id}/review"))
    assert "Before you can send it" in review and "Remove it from the list" in review
    response = submit(client, application_id, app)
    assert response.status_code == 422
    assert application(app, application_id).status == "draft"


def test_at_most_twelve_choices(client, app, world, family):
    from app.enrollment.models import Cycle

    with app.app_context():
        _db.session.get(Cycle, world.cycle_id).max_choices = 1
        _db.session.commit()
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    response = add(client, application_id, world.programs["spanish"], app)
    assert "You can choose up to 1 program." in text(client.get(response.headers["Location"]))
    assert len(application(app, application_id).choices) == 1


def test_a_program_of_another_cycle_cannot_be_added(client, app, world, family):
    application_id = start(client)
    other = make_world(app)
    add(client, application_id, other.programs["magnet"], app)
    assert application(app, application_id).choices == []


# --- priorities -------------------------------------------------------------------------------


def test_a_sibling_claim_needs_the_name_and_id(client, app, world, family):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    choice_id = application(app, application_id).choices[0].id
    url = f"/en/apply/{application_id}/priorities"
    page = text(client.get(url))
    assert "A brother or sister attends this school" in page
    assert "A parent works at this school" not in page  # not accepted this year
    response = client.submit(url, {f"c{choice_id}-sibling": "y",
                                   "version": version(app, application_id)})
    assert response.status_code == 422
    assert "Enter the brother’s or sister’s name." in text(response)
    response = client.submit(url, {
        f"c{choice_id}-sibling": "y", f"c{choice_id}-sibling_name": "Ana Lopez",
        f"c{choice_id}-sibling_student_id": "1234567", f"c{choice_id}-staff_child": "y",
        "version": version(app, application_id)})
    assert response.status_code == 302
    claims = application(app, application_id).choices[0].claims
    assert [(c.kind, c.sibling_name, c.status) for c in claims] == [
        ("sibling", "Ana Lopez", "claimed")]


# --- submitting -------------------------------------------------------------------------------


def _ready(client, app, world, **child) -> int:
    application_id = start(client, **child)
    add(client, application_id, world.programs["magnet"], app)
    return application_id


def test_submit_gives_a_number_a_printable_page_and_an_email(client, app, world, login_as):
    from app.accounts.access import Role

    login_as(Role.FAMILY, email="madre@example.test")
    with app.app_context():
        from app.accounts.models import User

        _db.session.scalar(_db.select(User).where(User.email == "madre@example.test")).locale = "es"
        _db.session.commit()
    application_id = _ready(client, app, world)
    response = submit(client, application_id, app)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    sent = application(app, application_id)
    assert sent.status == "submitted" and not sent.late
    assert re.fullmatch(r"UE\d\d-[A-Z0-9]{4}-[A-Z0-9]{4}", sent.confirmation_number)
    assert sent.confirmation_number in page
    printable = text(client.get(f"/en/apply/{application_id}/confirmation"))
    assert sent.confirmation_number in printable and "Maya Lopez" in printable
    with app.app_context():
        mail = _db.session.scalars(_db.select(OutboxMessage)).one()
        assert mail.recipient == "madre@example.test" and mail.locale == "es"
        assert mail.template == "enrollment_submitted"
        assert sent.confirmation_number in mail.subject and sent.confirmation_number in mail.body
        assert f"/es/apply/{application_id}" in mail.body


def test_the_same_submission_twice_is_stored_once(client, app, world, family):
    application_id = _ready(client, app, world)
    version_before = version(app, application_id)
    first = submit(client, application_id, app, key="same")
    number = application(app, application_id).confirmation_number
    # A retry of the same form (the version it carries is the old one).
    retry = client.submit(
        f"/en/apply/{application_id}/submit",
        {"confirm": "y", "submission_token": "same", "version": version_before},
        page=f"/en/apply/{application_id}/review",
    )
    assert first.status_code == retry.status_code == 302
    assert application(app, application_id).confirmation_number == number
    assert count(app, OutboxMessage) == 1
    assert count(app, Application) == 1


def test_submit_needs_the_confirmation_box(client, app, world, family):
    application_id = _ready(client, app, world)
    response = client.submit(
        f"/en/apply/{application_id}/submit",
        {"submission_token": "t", "version": version(app, application_id)},
        page=f"/en/apply/{application_id}/review",
    )
    assert response.status_code == 422
    assert "Confirm that the information is true" in text(response)


def test_changes_after_submitting_keep_the_submission_time(client, app, world, family):
    application_id = _ready(client, app, world)
    submit(client, application_id, app, key="one")
    first = application(app, application_id)
    add(client, application_id, world.programs["spanish"], app)
    submit(client, application_id, app, key="two")
    again = application(app, application_id)
    assert again.submitted_at == first.submitted_at
    assert again.confirmation_number == first.confirmation_number
    assert len(again.choices) == 2 and again.status == "submitted"
    assert count(app, OutboxMessage) == 2  # an updated confirmation


def test_the_last_choice_of_a_submitted_application_stays(client, app, world, family):
    application_id = _ready(client, app, world)
    submit(client, application_id, app)
    choice_id = application(app, application_id).choices[0].id
    response = client.submit(f"/en/apply/{application_id}/choices/{choice_id}/remove",
                             {"version": version(app, application_id)},
                             page=f"/en/apply/{application_id}/choices")
    assert "withdraw it instead" in text(client.get(response.headers["Location"]))
    assert len(application(app, application_id).choices) == 1


# --- deadlines --------------------------------------------------------------------------------


def test_after_the_on_time_deadline_a_submitted_application_is_read_only(
    client, app, world, family
):
    application_id = _ready(client, app, world)
    submit(client, application_id, app)
    move_cycle(app, world.cycle_id, on_time=-1)
    page = text(client.get(f"/en/apply/{application_id}"))
    assert "it can no longer be changed" in page
    assert "Change the application" not in page
    response = client.submit(f"/en/apply/{application_id}/child",
                             {**CHILD, "first_name": "Changed",
                              "version": version(app, application_id)},
                             page=f"/en/apply/{application_id}")
    assert response.status_code == 302
    assert application(app, application_id).child_first_name == "Maya"
    assert count(app, Choice) == 1
    add(client, application_id, world.programs["spanish"], app)
    assert count(app, Choice) == 1


def test_applications_sent_in_the_late_window_are_late(client, app, world, family):
    move_cycle(app, world.cycle_id, on_time=-1)
    application_id = _ready(client, app, world)
    review = text(client.get(f"/en/apply/{application_id}/review"))
    assert "will be marked late" in review
    submit(client, application_id, app)
    sent = application(app, application_id)
    assert sent.status == "submitted" and sent.late
    assert "late application" in text(client.get(f"/en/apply/{application_id}"))


def test_nothing_can_be_started_outside_the_windows(client, app, world, family):
    move_cycle(app, world.cycle_id, opens=2)
    assert "open on" in text(client.get("/en/apply/new"))
    move_cycle(app, world.cycle_id, opens=-50, on_time=-40, late=-1)
    page = client.get("/en/apply/new")
    assert "Applications for" in text(page) and "are closed" in text(page)
    assert 'name="first_name"' not in text(page)


def test_a_draft_cannot_be_sent_after_the_late_window(client, app, world, family):
    application_id = _ready(client, app, world)
    move_cycle(app, world.cycle_id, on_time=-10, late=-1)
    response = submit(client, application_id, app)
    assert response.status_code == 422
    assert application(app, application_id).status == "draft"
    assert "can no longer be sent" in text(response)


def test_withdraw_until_results(client, app, world, family):
    application_id = _ready(client, app, world)
    submit(client, application_id, app)
    assert "Withdraw this application" in text(client.get(f"/en/apply/{application_id}"))
    response = client.submit(f"/en/apply/{application_id}/withdraw",
                             {"version": version(app, application_id)})
    assert response.status_code == 302
    assert application(app, application_id).status == "withdrawn"
    with app.app_context():
        templates = set(_db.session.scalars(_db.select(OutboxMessage.template)))
    assert templates == {"enrollment_submitted", "enrollment_withdrawn"}


def test_no_withdrawal_after_results(client, app, world, family):
    application_id = _ready(client, app, world)
    submit(client, application_id, app)
    move_cycle(app, world.cycle_id, on_time=-30, late=-20, results=-1)
    assert "Withdraw this application" not in text(client.get(f"/en/apply/{application_id}"))
    client.submit(f"/en/apply/{application_id}/withdraw",
                  {"version": version(app, application_id)})
    assert application(app, application_id).status == "submitted"


def test_deadlines_are_shown_in_los_angeles_time(client, app, world, family):
    from datetime import datetime

    from app.enrollment.models import Cycle

    with app.app_context():
        cycle = _db.session.get(Cycle, world.cycle_id)
        # 16 December 07:59 UTC is 15 December 23:59 in Los Angeles (PST, UTC-8).
        cycle.on_time_closes_at = datetime(2099, 12, 16, 7, 59)
        cycle.late_closes_at = datetime(2100, 1, 30)
        cycle.results_at, cycle.respond_by = datetime(2100, 2, 1), datetime(2100, 2, 2)
        _db.session.commit()
    page = text(client.get("/en/apply"))
    assert "December 15, 2099 at 11:59\u202fPM (Los Angeles time)" in page


# --- two tabs ---------------------------------------------------------------------------------


def test_a_stale_save_keeps_what_was_typed(client, app, world, family):
    application_id = start(client)
    stale = version(app, application_id)
    client.submit(f"/en/apply/{application_id}/child",
                  {**CHILD, "city": "Pasadena", "version": stale})  # the other tab
    response = client.submit(f"/en/apply/{application_id}/child",
                             {**CHILD, "first_name": "Mayra", "version": stale})
    assert response.status_code == 422
    page = text(response)
    assert "changed in another window or on another device" in page
    assert 'value="Mayra"' in page  # what this tab typed
    assert "Pasadena" in page  # what is saved now, to compare
    assert f'value="{version(app, application_id)}"' in page  # saving again is possible
    assert application(app, application_id).child_first_name == "Maya"


def test_a_stale_button_tells_and_shows_the_current_list(client, app, world, family):
    application_id = start(client)
    stale = version(app, application_id)
    add(client, application_id, world.programs["magnet"], app)
    response = client.submit(
        f"/en/apply/{application_id}/choices/add",
        {"cycle_program": world.programs["spanish"], "version": stale},
        page=f"/en/apply/{application_id}/choices",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "changed in another window" in text(response)
    assert len(application(app, application_id).choices) == 1


# --- signed out while typing ------------------------------------------------------------------


def test_a_form_sent_after_the_session_ended_is_kept_until_sign_in(client, app, world, family):
    from tests.conftest import sign_in

    application_id = start(client)
    url = f"/en/apply/{application_id}/child"
    token = client.csrf_token(url)
    with client.session_transaction() as session:
        session.pop("_user_id")  # the account signed out elsewhere; the form is still open
    response = client.post(url, data={**CHILD, "first_name": "Typed", "csrf_token": token,
                                      "version": version(app, application_id)})
    assert response.status_code == 302 and response.headers["Location"] == url
    response = client.get(url)
    assert "/account/sign-in?next=" in response.headers["Location"]
    assert sign_in(client, "maya.parent@example.test").headers["Location"] == "/en/"
    page = text(client.get(url))
    assert "Here is what you typed before you were signed out" in page
    assert 'value="Typed"' in page
    assert application(app, application_id).child_first_name == "Maya"  # not saved unseen
    assert 'value="Typed"' not in text(client.get(url))  # shown once


def test_an_expired_session_cookie_keeps_the_form_too(client, app, world, family):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    choice_id = application(app, application_id).choices[0].id
    url = f"/en/apply/{application_id}/priorities"
    client.get(url)
    client.delete_cookie("session")  # the whole session expired: no CSRF token either
    response = client.post(url, data={f"c{choice_id}-sibling": "y",
                                      f"c{choice_id}-sibling_name": "Kept Name",
                                      "csrf_token": "stale"})
    assert response.status_code == 302 and response.headers["Location"] == url
    from tests.conftest import sign_in

    sign_in(client, "maya.parent@example.test")
    page = text(client.get(url))
    assert 'value="Kept Name"' in page


def test_another_browser_cannot_use_someone_elses_kept_form(client, app, world, family, make_user):
    from app.enrollment.models import DraftStash

    application_id = start(client)
    url = f"/en/apply/{application_id}/child"
    client.delete_cookie("session")
    client.post(url, data={**CHILD, "first_name": "Secret", "csrf_token": "x"})
    assert count(app, DraftStash) == 1
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(other, "maya.parent@example.test")
    assert 'value="Secret"' not in text(other.get(url))


def test_signed_out_forms_kept_are_limited_per_address(client, app, world):
    from app.enrollment.models import DraftStash

    for _ in range(25):
        client.post("/en/apply/1/child", data={**CHILD, "csrf_token": "x"})
    assert count(app, DraftStash) == 20


# --- malformed input --------------------------------------------------------------------------

LONG = "x" * 10_000


@pytest.mark.parametrize("junk", [{}, {"version": "abc"}, {"version": LONG},
                                  {"version": "99999999999999999999999"},
                                  {"cycle_program": "-1", "version": "1"}])
def test_malformed_posts_never_fail_with_a_server_error(client, app, world, family, junk):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    choice_id = application(app, application_id).choices[0].id
    page = f"/en/apply/{application_id}/choices"
    for url in (
        f"/en/apply/{application_id}/child",
        f"/en/apply/{application_id}/choices/add",
        f"/en/apply/{application_id}/choices/{choice_id}/up",
        f"/en/apply/{application_id}/priorities",
        f"/en/apply/{application_id}/submit",
        f"/en/apply/{application_id}/withdraw",
    ):
        response = client.submit(url, {**junk, f"c{choice_id}-sibling_name": LONG}, page=page)
        assert response.status_code < 500, (url, junk)
    assert application(app, application_id).status == "draft"


def test_every_query_string_is_handled(client, app, world, family):
    application_id = start(client)
    for query in ("?program=abc", "?program=99999999999999999999", "?page=-3", "?q=" + LONG,
                  "?grade=%ff"):
        assert client.get("/en/apply" + query).status_code in (200, 422)
        assert client.get(f"/en/apply/{application_id}/choices" + query).status_code in (200,
                                                                                         422)
        assert client.get("/en/apply/new" + query).status_code == 200


def test_claims_of_inactive_kinds_are_ignored(client, app, world, family):
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    choice_id = application(app, application_id).choices[0].id
    client.submit(f"/en/apply/{application_id}/priorities",
                  {f"c{choice_id}-staff_child": "y", "version": version(app, application_id)})
    assert count(app, Claim) == 0
