"""Who may read and change which application: checked on the server for every id."""

import pytest

from app.accounts.access import Role
from app.enrollment.models import Application, Claim
from app.extensions import db as _db
from tests.conftest import sign_in
from tests.enrollment.factories import (
    CHILD,
    add,
    application,
    decide,
    make_world,
    start,
    submit,
    version,
)


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def victim(app, client, world, make_user):
    """Another family's submitted application with a sibling claim at Jacaranda."""
    make_user("victim@example.test")
    sign_in(client, "victim@example.test")
    application_id = start(client, first_name="Victim")
    add(client, application_id, world.programs["magnet"], app)
    add(client, application_id, world.programs["spanish"], app)
    choice_id = application(app, application_id).choices[0].id
    client.submit(f"/en/apply/{application_id}/priorities",
                  {f"c{choice_id}-sibling": "y", f"c{choice_id}-sibling_name": "Big Sister",
                   f"c{choice_id}-sibling_student_id": "7654321",
                   "version": version(app, application_id)})
    submit(client, application_id, app)
    client.submit("/en/account/sign-out", page="/en/")
    return application(app, application_id)


def pages(application_id: int, choice_id: int) -> list[tuple[str, str]]:
    base = f"/en/apply/{application_id}"
    return [
        ("GET", base), ("GET", base + "/child"), ("GET", base + "/choices"),
        ("GET", base + "/priorities"), ("GET", base + "/review"),
        ("GET", base + "/confirmation"), ("GET", base + "/withdraw"),
        ("POST", base + "/child"), ("POST", base + "/choices/add"),
        ("POST", base + f"/choices/{choice_id}/up"), ("POST", base + f"/choices/{choice_id}/remove"),
        ("POST", base + "/priorities"), ("POST", base + "/submit"), ("POST", base + "/withdraw"),
    ]


def test_another_family_gets_not_found_everywhere(client, app, world, victim, login_as):
    login_as(Role.FAMILY, email="curious@example.test")
    own = start(client)
    for method, url in pages(victim.id, victim.choices[0].id):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, {**CHILD, "version": victim.version,
                                           "cycle_program": world.programs["sas"],
                                           "confirm": "y", "submission_token": "x"},
                                     page=f"/en/apply/{own}/choices")
        assert response.status_code == 404, (method, url)
        assert "Victim" not in response.get_data(as_text=True)
    after = application(app, victim.id)
    assert after.status == "submitted" and after.version == victim.version
    assert [c.cycle_program_id for c in after.choices] == [c.cycle_program_id
                                                           for c in victim.choices]


def test_a_choice_of_another_application_cannot_be_moved_through_ones_own(
    client, app, world, victim, login_as
):
    login_as(Role.FAMILY, email="curious@example.test")
    own = start(client)
    add(client, own, world.programs["magnet"], app)
    stolen = victim.choices[1].id
    response = client.submit(f"/en/apply/{own}/choices/{stolen}/up",
                             {"version": version(app, own)}, page=f"/en/apply/{own}/choices")
    assert response.status_code == 404
    assert [c.rank for c in application(app, victim.id).choices] == [1, 2]


def test_signed_out_visitors_are_sent_to_sign_in(client, world, victim):
    for method, url in pages(victim.id, victim.choices[0].id):
        response = client.get(url) if method == "GET" else client.submit(url, {}, page="/en/")
        assert response.status_code == 302, url
        if method == "GET":
            assert "/account/sign-in" in response.headers["Location"]
    assert application(client.application, victim.id).status == "submitted"


STAFF_PAGES = [
    "/en/staff/enrollment",
    "/en/staff/enrollment/applications",
    "/en/staff/enrollment/applications.csv",
    "/en/staff/enrollment/cycles",
    "/en/staff/enrollment/duplicates",
    "/en/staff/enrollment/paper",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_families_cannot_open_staff_pages(client, world, login_as, url):
    login_as(Role.FAMILY)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/en/staff/enrollment/cycles", "/en/staff/enrollment/duplicates",
                                 "/en/staff/enrollment/paper"])
def test_school_staff_cannot_use_the_office_tools(client, world, login_as, url):
    login_as(Role.SCHOOL_STAFF, world.schools["Jacaranda Elementary"])
    assert client.get(url).status_code == 403


def test_school_staff_see_only_their_schools_applications(client, app, world, victim,
                                                          login_as, make_user):
    # A second submitted application, only to Sycamore.
    make_user("other@example.test")
    sign_in(client, "other@example.test")
    other = start(client, first_name="Only", last_name="Sycamore", grade="4",
                  date_of_birth="2016-01-01")
    add(client, other, world.programs["sas"], app)
    submit(client, other, app)
    client.submit("/en/account/sign-out", page="/en/")

    login_as(Role.SCHOOL_STAFF, world.schools["Jacaranda Elementary"])
    listing = client.get("/en/staff/enrollment/applications").get_data(as_text=True)
    assert "Victim" in listing and "Sycamore, Only" not in listing
    assert client.get(f"/en/staff/enrollment/applications/{other}").status_code == 404
    detail = client.get(f"/en/staff/enrollment/applications/{victim.id}").get_data(as_text=True)
    assert "Magnet at Jacaranda Elementary" in detail
    assert "12 Orange Grove" not in detail  # the home address is the office's business
    csv = client.get("/en/staff/enrollment/applications.csv").get_data(as_text=True)
    assert "Victim" in csv and "Only" not in csv and "Sycamore Elementary" not in csv


def test_school_staff_verify_sibling_claims_at_their_school_only(client, app, world, victim,
                                                                 login_as):
    claim_id = victim.choices[0].claims[0].id
    login_as(Role.SCHOOL_STAFF, world.schools["Sycamore Elementary"])
    response = decide(client, claim_id, "/en/staff/enrollment", decision="verify")
    assert response.status_code == 404
    client.submit("/en/account/sign-out", page="/en/")
    login_as(Role.SCHOOL_STAFF, world.schools["Jacaranda Elementary"])
    response = decide(client, claim_id, f"/en/staff/enrollment/applications/{victim.id}",
                      decision="verify")
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.get(Claim, claim_id).status == "verified"


def test_school_staff_never_see_drafts(client, app, world, login_as, make_user):
    make_user("drafter@example.test")
    sign_in(client, "drafter@example.test")
    draft = start(client, first_name="Drafty")
    add(client, draft, world.programs["magnet"], app)
    client.submit("/en/account/sign-out", page="/en/")
    login_as(Role.SCHOOL_STAFF, world.schools["Jacaranda Elementary"])
    assert client.get(f"/en/staff/enrollment/applications/{draft}").status_code == 404
    assert "Drafty" not in client.get("/en/staff/enrollment/applications").get_data(as_text=True)


def test_the_office_sees_everything(client, app, world, victim, login_as):
    login_as(Role.ENROLLMENT)
    detail = client.get(f"/en/staff/enrollment/applications/{victim.id}").get_data(as_text=True)
    assert "12 Orange Grove" in detail and "victim@example.test" in detail
    with app.app_context():
        assert _db.session.get(Application, victim.id) is not None
