"""Letters with link codes: in the family's language, one code per guardian, shown once."""

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.extensions import db as _db
from app.portal import services
from app.portal.labels import letter_language
from app.portal.models import LinkCode
from tests.portal.conftest import SCHOOL_A, add_student, letter_codes, link


@pytest.mark.parametrize(
    ("home", "letter"),
    [
        ("vi", "vi"),
        ("es-MX", "es"),
        ("yue", "zh_Hant"),
        ("zh", "zh_Hans"),
        ("cmn", "zh_Hans"),
        ("fil", "tl"),
        ("tl", "tl"),
        ("fa", "fa"),
        ("km", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_home_languages_map_to_the_apps_languages(home, letter):
    assert letter_language(home) == letter


@pytest.fixture
def staff(client, login_as, world):
    return login_as(Role.SCHOOL_STAFF, SCHOOL_A)


def test_one_letter_in_the_familys_language(app, client, staff, world):
    page = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}"
    html = client.get(page).get_data(as_text=True)
    assert "Cannot link: a court order limits access." in html  # the father
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/letters",
        {"contact": str(world.a1_mother)},
        page=page,
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    (code,) = letter_codes(html)
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    # The staff page is in English; the letter is in Vietnamese, dates and link included.
    assert '<html lang="en"' in html
    assert 'class="letter" lang="vi" dir="ltr"' in html
    assert "http://families.test/vi/portal/link" in html
    assert "tháng" in html  # a date written in Vietnamese
    with app.test_request_context("/vi/"), force_locale("vi"):
        greeting = gettext("Dear %(name)s,", name="Mai Nguyen")
    assert greeting in html and greeting != "Dear Mai Nguyen,"
    with app.app_context():
        event = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "portal.codes_issued")
        )
        assert event.after == {"contacts": [world.a1_mother]}
    # The code is not on the staff page afterwards.
    assert code not in client.get(page).get_data(as_text=True)


def test_arabic_letters_are_right_to_left(app, client, staff, world):
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/students/{world.a2}/letters", page="/en/"
    )
    assert 'class="letter" lang="ar" dir="rtl"' in response.get_data(as_text=True)


def test_printing_again_cancels_the_earlier_code(app, client, staff, world):
    path = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/letters"
    first = letter_codes(client.submit(path, page="/en/").get_data(as_text=True))
    second = letter_codes(client.submit(path, page="/en/").get_data(as_text=True))
    assert len(first) == len(second) == 1 and first != second
    with app.app_context():
        rows = _db.session.scalars(select(LinkCode).order_by(LinkCode.id)).all()
        assert [row.cancelled_at is not None for row in rows] == [True, False]


def test_bulk_letters_for_a_grade_skip_linked_and_restricted_guardians(
    app, client, staff, world, make_user
):
    with app.app_context():
        add_student(
            "1000000003",
            first="Ana",
            grade=3,
            language="es",
            contacts=(("Rosa Diaz", "mother", None, False), ("Luis Diaz", "father", None, False)),
        )
        _db.session.commit()
    parent = make_user("omar.parent@example.test")
    link(app, parent.id, world.a2)  # Omar (grade 3) is linked
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/letters",
        {"letters-grade": "3", "letters-only_unlinked": "y"},
        page="/en/",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(letter_codes(html)) == 2  # Rosa and Luis
    assert "Omar" not in html and 'lang="es"' in html
    # Every student of every grade, linked or not: Mai (not Tuan), Layla, Rosa, Luis.
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/letters", {"letters-grade": ""}, page="/en/"
    )
    assert len(letter_codes(response.get_data(as_text=True))) == 4
    with app.app_context():
        event = _db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "portal.codes_issued")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.target_id == SCHOOL_A and event.after == {"grade": None, "letters": 4}


def test_too_many_letters_at_once_are_refused_with_a_message(
    app, client, staff, world, monkeypatch
):
    monkeypatch.setattr(services, "MAX_LETTERS", 1)
    response = client.submit(
        f"/en/staff/portal/{SCHOOL_A}/letters", {"letters-grade": ""}, page="/en/"
    )
    assert response.status_code == 422
    assert "That would print 2 letters, more than 1 at once." in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(LinkCode)) == 0


def test_a_students_page_shows_codes_without_showing_them(app, client, staff, world):
    from tests.portal.conftest import issue

    code = issue(app, world.a1_mother)
    html = client.get(f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}").get_data(as_text=True)
    assert "Not used yet" in html and code not in html


def test_the_unlinked_list_prints_with_one_click(app, client, staff, world):
    page = client.get(f"/en/staff/portal/{SCHOOL_A}").get_data(as_text=True)
    action = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/letters"
    assert f'action="{action}"' in page
    assert len(letter_codes(client.submit(action, page="/en/").get_data(as_text=True))) == 1
