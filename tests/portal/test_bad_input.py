"""Every portal form answers bad input with a translated message and 422, keeps what was typed,
and never fails with a 500."""

import pytest
from sqlalchemy import func, select

from app.accounts.access import Role
from app.extensions import db as _db
from app.portal.models import FailedLinkAttempt, GuardianLink, LinkCode, LinkRequest
from tests.portal.conftest import SCHOOL_A, link

LONG = "7" * 10_000
WEIRD = "\u202e\u0000😀 ' \" <b>"
BAD_DATES = ["2019-02-30", "31/12/2015", "tomorrow", "9999-99-99", "2099-01-01", "1900-01-01", LONG]


def payloads(fields):
    yield {}
    yield dict.fromkeys(fields, "")
    yield dict.fromkeys(fields, LONG)
    yield dict.fromkeys(fields, WEIRD)


def assert_refused(response, lang="en"):
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    assert f'lang="{lang}"' in html and 'class="error-summary"' in html
    return html


@pytest.fixture
def family(client, login_as, world):
    return login_as(Role.FAMILY)


@pytest.mark.parametrize("lang", ["en", "vi", "ar"])
def test_the_link_form(app, client, family, lang):
    fields = ["student_id", "birth_date", "code"]
    for data in payloads(fields):
        assert_refused(client.submit(f"/{lang}/portal/link", data), lang)
    html = assert_refused(
        client.submit(
            f"/{lang}/portal/link",
            {"student_id": "12345", "birth_date": "2016-05-01", "code": "ABCDE-FGHJK-MNP"},
        ),
        lang,
    )
    assert 'value="12345"' in html and 'value="ABCDE-FGHJK-MNP"' in html
    assert 'value="2016-05-01"' in html
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(FailedLinkAttempt)) == 0


@pytest.mark.parametrize("born", BAD_DATES)
def test_invalid_dates_of_birth(client, family, born):
    data = {"student_id": "1000000001", "birth_date": born, "code": "ABCDE-FGHJK"}
    html = assert_refused(client.submit("/en/portal/link", data))
    assert "date" in html.lower()
    if len(born) < 100:
        assert f'value="{born}"' in html  # kept, so it can be corrected


def test_ten_thousand_characters_are_kept(client, family):
    html = assert_refused(client.submit("/en/portal/link", {"student_id": LONG, "code": LONG}))
    assert html.count(LONG) == 2


def test_the_request_form(app, client, family):
    url = f"/en/portal/request?school={SCHOOL_A}"
    fields = [
        "first_name",
        "last_name",
        "birth_date",
        "student_id",
        "requester_name",
        "relation",
        "phone",
        "message",
    ]
    for data in payloads(fields):
        assert_refused(client.submit(url, data))
    for born in BAD_DATES:
        assert_refused(client.submit(url, {"birth_date": born}))
    typed = {
        "first_name": "Linh",
        "last_name": "Nguyen",
        "birth_date": "2016-05-01",
        "student_id": "12",
        "requester_name": "Mai Nguyen",
        "relation": "aunt",
        "phone": "call me",
        "message": "x" * 1001,
    }
    html = assert_refused(client.submit(url, typed))
    for value in ("Linh", "Nguyen", "2016-05-01", "Mai Nguyen", "call me", "x" * 1001):
        assert value in html
    assert "A student ID has exactly 10 digits" in html
    assert "Enter a phone number with digits" in html
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(LinkRequest)) == 0


def test_the_school_search(client, family):
    assert_refused(client.get("/en/portal/request?q=" + LONG))
    assert client.get("/en/portal/request?q=%ff%c3%28&page=abc").status_code < 500


def test_the_unlink_confirmation_needs_its_token(app, client, family, world):
    link(app, family.id, world.a1)
    assert client.post(f"/en/portal/children/{world.a1}/unlink", data={}).status_code == 400
    with app.app_context():
        assert _db.session.scalar(select(GuardianLink.ended_at)) is None


@pytest.fixture
def staff(client, login_as, world):
    return login_as(Role.SCHOOL_STAFF, SCHOOL_A)


def test_the_staff_filters(client, staff):
    assert_refused(client.get(f"/en/staff/portal/{SCHOOL_A}?q={LONG}"))
    assert_refused(client.get(f"/en/staff/portal/{SCHOOL_A}?grade=99&show=everything"))
    for query in ("?page=-5", "?page=abc", "?page=99999999999999999999", "?q=%ff"):
        assert client.get(f"/en/staff/portal/{SCHOOL_A}{query}").status_code == 200
        assert client.get(f"/en/staff/portal{query}").status_code == 200


def test_the_letter_forms(app, client, staff, world):
    for data in payloads(["letters-grade", "letters-only_unlinked"]):
        if not data.get("letters-grade"):
            continue  # no grade is "every grade", a real choice
        assert_refused(client.submit(f"/en/staff/portal/{SCHOOL_A}/letters", data, page="/en/"))
    path = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/letters"
    for data in payloads(["contact"]):
        if not data.get("contact"):
            continue  # no contact chosen means everyone who may link
        assert_refused(client.submit(path, data, page="/en/"))
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(LinkCode)) == 0


def test_the_decision_forms(app, client, staff, world, make_user):
    parent = make_user("mai@example.test")
    with app.app_context():
        from datetime import date

        request = LinkRequest(
            user_id=parent.id,
            cds_code=SCHOOL_A,
            student_id=world.a1,
            student_first_name="Linh",
            student_last_name="Nguyen",
            birth_date=date(2016, 5, 1),
            requester_name="Mai Nguyen",
            relation="mother",
        )
        _db.session.add(request)
        _db.session.commit()
        request_id = request.id
    review = f"/en/staff/portal/{SCHOOL_A}/requests/{request_id}"
    for data in payloads(["approve-student", "approve-contact", "approve-verified"]):
        assert_refused(client.submit(review + "/approve", data, page=review))
    for data in payloads(["deny-reason", "deny-note"]):
        assert_refused(client.submit(review + "/deny", data, page=review))
    html = assert_refused(
        client.submit(
            review + "/deny", {"deny-reason": "other", "deny-note": "x" * 1001}, page=review
        )
    )
    assert "x" * 1001 in html
    assert_refused(client.get(review + "?student=" + LONG))
    with app.app_context():
        assert _db.session.get(LinkRequest, request_id).status == "pending"


def test_the_end_link_form(app, client, staff, world, make_user):
    parent = make_user("mai@example.test")
    link_id = link(app, parent.id, world.a1)
    path = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/links/{link_id}/end"
    for data in payloads(["reason", "note"]):
        assert_refused(client.submit(path, data))
    with app.app_context():
        assert _db.session.get(GuardianLink, link_id).ended_at is None


def test_ids_that_are_not_numbers_are_not_found(client, staff):
    assert client.get(f"/en/staff/portal/{SCHOOL_A}/students/abc").status_code == 404
    assert client.get(f"/en/staff/portal/{SCHOOL_A}/requests/-1").status_code == 404
    assert client.get("/en/staff/portal/" + LONG).status_code in (403, 404)
