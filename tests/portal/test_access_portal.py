"""Who may use each portal route: a family sees only its linked children, staff only their
schools' students, whatever ids are put in URLs and forms."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.access import Role
from app.extensions import db as _db
from app.portal.models import GuardianLink, LinkCode, LinkRequest
from tests.portal.conftest import SCHOOL_A, SCHOOL_B, letter_codes, link

# Every portal route, so that a new one cannot be added without deciding who may use it.
ROUTES = {
    "portal.children": "/{lang}/portal",
    "portal.link": "/{lang}/portal/link",
    "portal.request_link": "/{lang}/portal/request",
    "portal.unlink": "/{lang}/portal/children/{student}/unlink",
    "portal_staff.queue": "/{lang}/staff/portal",
    "portal_staff.district": "/{lang}/staff/portal/district",
    "portal_staff.school": "/{lang}/staff/portal/{cds}",
    "portal_staff.bulk_letters": "/{lang}/staff/portal/{cds}/letters",
    "portal_staff.student": "/{lang}/staff/portal/{cds}/students/{student}",
    "portal_staff.student_letters": "/{lang}/staff/portal/{cds}/students/{student}/letters",
    "portal_staff.end_link": "/{lang}/staff/portal/{cds}/students/{student}/links/{link}/end",
    "portal_staff.review": "/{lang}/staff/portal/{cds}/requests/{request}",
    "portal_staff.approve": "/{lang}/staff/portal/{cds}/requests/{request}/approve",
    "portal_staff.deny": "/{lang}/staff/portal/{cds}/requests/{request}/deny",
}
STAFF_ROUTES = [e for e in ROUTES if e.startswith("portal_staff.") and e != "portal_staff.queue"]
SCHOOL_ROUTES = [e for e in STAFF_ROUTES if e != "portal_staff.district"]


def test_these_tests_cover_every_portal_route(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("portal", "portal_staff")
    }
    assert found == set(ROUTES)


def _methods(app, endpoint):
    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture
def ids(app, world, make_user):
    """A link and a request at school A (for student a1), and the same at school B."""
    parent_a = make_user("parent.a@example.test")
    parent_b = make_user("parent.b@example.test")
    with app.app_context():
        requests = []
        for user, cds, student in ((parent_a, SCHOOL_A, world.a1), (parent_b, SCHOOL_B, world.b1)):
            row = LinkRequest(
                user_id=user.id,
                cds_code=cds,
                student_id=student,
                student_first_name="X",
                student_last_name="Y",
                birth_date=date(2016, 5, 1),
                requester_name="Z",
                relation="mother",
            )
            _db.session.add(row)
            _db.session.flush()
            requests.append(row.id)
        _db.session.commit()
    return {
        "parent_a": parent_a,
        "parent_b": parent_b,
        "link_a": link(app, parent_a.id, world.a1),
        "link_b": link(app, parent_b.id, world.b1),
        "request_a": requests[0],
        "request_b": requests[1],
    }


def url(endpoint, lang="en", cds=SCHOOL_A, student=1, link_id=1, request=1):
    return ROUTES[endpoint].format(
        lang=lang, cds=cds, student=student, link=link_id, request=request
    )


def _call(client, method, path):
    if method == "GET":
        return client.get(path)
    return client.submit(path, {}, page="/en/")


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(app, client, world, ids, endpoint):
    path = url(endpoint, student=world.a1, link_id=ids["link_a"], request=ids["request_a"])
    for method in _methods(app, endpoint):
        response = _call(client, method, path)
        assert response.status_code == 302, (method, path)
        assert "/account/sign-in" in response.location


@pytest.mark.parametrize("endpoint", STAFF_ROUTES + ["portal_staff.queue"])
def test_families_never_reach_staff_pages(app, client, login_as, world, ids, endpoint):
    login_as(Role.FAMILY)
    path = url(endpoint, student=world.a1, link_id=ids["link_a"], request=ids["request_a"])
    for method in _methods(app, endpoint):
        assert _call(client, method, path).status_code == 403, (method, path)


@pytest.mark.parametrize("endpoint", SCHOOL_ROUTES)
def test_staff_never_reach_another_schools_pages(app, client, login_as, world, ids, endpoint):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    # School B's own ids under school B's code: the role's scope refuses.
    path = url(
        endpoint, cds=SCHOOL_B, student=world.b1, link_id=ids["link_b"], request=ids["request_b"]
    )
    for method in _methods(app, endpoint):
        assert _call(client, method, path).status_code == 403, (method, path)


@pytest.mark.parametrize(
    "endpoint",
    [e for e in SCHOOL_ROUTES if e != "portal_staff.school" and e != "portal_staff.bulk_letters"],
)
def test_staff_cannot_reach_another_schools_records_through_their_own_school(
    app, client, login_as, world, ids, endpoint
):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    # School B's student, link and request, under school A's code: not found.
    path = url(
        endpoint, cds=SCHOOL_A, student=world.b1, link_id=ids["link_b"], request=ids["request_b"]
    )
    for method in _methods(app, endpoint):
        assert _call(client, method, path).status_code == 404, (method, path)
    # A link of another student of school A, under this student: not found either.
    if endpoint == "portal_staff.end_link":
        path = url(endpoint, student=world.a2, link_id=ids["link_a"])
        assert client.get(path).status_code == 404


def test_nothing_changed_after_the_refusals(app, client, login_as, world, ids):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    for endpoint in ("portal_staff.student_letters", "portal_staff.end_link", "portal_staff.deny"):
        path = url(
            endpoint,
            cds=SCHOOL_A,
            student=world.b1,
            link_id=ids["link_b"],
            request=ids["request_b"],
        )
        client.submit(path, {"reason": "other", "note": "x"}, page="/en/")
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(LinkCode)) == 0
        assert _db.session.get(GuardianLink, ids["link_b"]).ended_at is None
        assert _db.session.get(LinkRequest, ids["request_b"]).status == "pending"


def test_staff_cannot_approve_with_another_schools_student_in_the_form(
    app, client, login_as, world, ids
):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    path = url("portal_staff.approve", request=ids["request_a"])
    data = {
        "approve-student": str(world.b1),
        "approve-contact": str(world.b1_mother),
        "approve-verified": "y",
    }
    response = client.submit(path, data, page="/en/")
    assert response.status_code == 422
    with app.app_context():
        assert _db.session.get(LinkRequest, ids["request_a"]).status == "pending"
        assert (
            _db.session.scalar(
                select(func.count())
                .select_from(GuardianLink)
                .where(GuardianLink.student_id == world.b1)
            )
            == 1
        )  # only the fixture's


def test_staff_cannot_print_a_letter_for_another_students_or_a_restricted_contact(
    app, client, login_as, world
):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    path = url("portal_staff.student_letters", student=world.a1)
    for contact in (world.b1_mother, world.a1_father, "abc"):
        response = client.submit(path, {"contact": str(contact)}, page="/en/")
        assert response.status_code == 422
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(LinkCode)) == 0


def test_staff_lists_and_letters_hold_only_their_schools_students(app, client, login_as, world):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    page = client.get(f"/en/staff/portal/{SCHOOL_A}?show=all").get_data(as_text=True)
    assert "Nguyen" in page and "Haddad" in page and "Kim" not in page
    page = client.get(f"/en/staff/portal/{SCHOOL_A}?show=all&q=2000000001").get_data(as_text=True)
    assert "Kim" not in page
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/letters", {"letters-grade": ""}, page="/en/"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(letter_codes(html)) == 2  # Mai and Layla
    assert "Sara" not in html and "Tuan" not in html  # other school; restricted father


def test_the_queue_shows_only_the_staffs_schools(app, client, login_as, world, ids):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    page = client.get("/en/staff/portal").get_data(as_text=True)
    assert f"/requests/{ids['request_a']}" in page
    assert f"/requests/{ids['request_b']}" not in page


def test_a_family_sees_only_its_linked_children(app, client, world, ids):
    from tests.conftest import sign_in

    assert sign_in(client, "parent.a@example.test").status_code == 302
    page = client.get("/en/portal").get_data(as_text=True)
    assert "Linh Nguyen" in page and "Sara Kim" not in page and "Omar" not in page
    # Another family's child, and a child of nobody: not found; nothing changes.
    for student in (world.b1, world.a2, 999):
        assert client.get(f"/en/portal/children/{student}/unlink").status_code == 404
        assert (
            client.submit(f"/en/portal/children/{student}/unlink", page="/en/").status_code == 404
        )
    with app.app_context():
        assert _db.session.get(GuardianLink, ids["link_b"]).ended_at is None


def test_the_enrollment_office_sees_the_district_but_no_students(app, client, login_as, world, ids):
    login_as(Role.ENROLLMENT)
    assert client.get("/en/staff/portal/district").status_code == 200
    for endpoint in SCHOOL_ROUTES + ["portal_staff.queue"]:
        path = url(endpoint, student=world.a1, link_id=ids["link_a"], request=ids["request_a"])
        assert client.get(path).status_code in (403, 405), endpoint


def test_school_staff_do_not_see_the_district_dashboard(client, login_as, world):
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    assert client.get("/en/staff/portal/district").status_code == 403


def test_administrators_reach_every_school(app, client, login_as, world, ids):
    login_as(Role.ADMIN)
    for cds, student, request in (
        (SCHOOL_A, world.a1, ids["request_a"]),
        (SCHOOL_B, world.b1, ids["request_b"]),
    ):
        assert client.get(f"/en/staff/portal/{cds}").status_code == 200
        assert client.get(f"/en/staff/portal/{cds}/students/{student}").status_code == 200
        assert client.get(f"/en/staff/portal/{cds}/requests/{request}").status_code == 200
    assert client.get("/en/staff/portal").status_code == 200
    assert client.get("/en/staff/portal/district").status_code == 200


def test_unknown_schools_and_students_are_not_found(client, login_as, world):
    login_as(Role.ADMIN)
    assert client.get("/en/staff/portal/19647330009999").status_code == 404
    assert client.get(f"/en/staff/portal/{SCHOOL_A}/students/99999").status_code == 404
    assert client.get(f"/en/staff/portal/{SCHOOL_A}/requests/99999").status_code == 404
