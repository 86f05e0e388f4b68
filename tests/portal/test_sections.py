"""Other features' sections on the portal page appear only when those features exist, and the
portal never imports them when it is imported."""

import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.accounts.access import Role
from app.portal import integrations, sections
from tests.portal.conftest import link


def test_importing_the_portal_imports_no_other_feature():
    code = (
        "import sys, app.portal.routes, app.portal.staff_routes, app.portal.services, "
        "app.portal.sections, app.portal.integrations, app.portal.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('app.academy', 'app.enrollment'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "[]"


def test_a_section_of_a_missing_feature_is_left_out(app, client, login_as, world, monkeypatch):
    missing = sections.Section(
        "missing", "Bus tracker", "Nothing", "app.no_such_feature.portal:items", per_child=True
    )
    monkeypatch.setattr(sections, "SECTIONS", (missing,))
    sections._exists.cache_clear()
    assert not sections.available(missing)
    user = login_as(Role.FAMILY)
    link(app, user.id, world.a1)
    page = client.get("/en/portal")
    assert page.status_code == 200 and "Bus tracker" not in page.get_data(as_text=True)
    sections._exists.cache_clear()


def test_a_section_lists_what_its_provider_returns(app, client, login_as, world, monkeypatch):
    fake = sections.Section(
        "fake", "Library books", "No books.", "tests.portal.test_sections:books", per_child=True
    )
    monkeypatch.setattr(sections, "SECTIONS", (fake,))
    user = login_as(Role.FAMILY)
    link(app, user.id, world.a1)
    html = client.get("/en/portal").get_data(as_text=True)
    assert "Library books" in html and "The Snowy Day" in html and "Due back" in html


def books(user, students):
    return {s.id: [sections.Item("The Snowy Day", "Due back", "in 3 days", None)] for s in students}


def test_the_enrollment_section_matches_applications_to_the_child():
    student = SimpleNamespace(
        district_id="1000000001", birth_date=date(2016, 5, 1), first_name="Linh"
    )
    by_id = SimpleNamespace(
        student_id="1000000001", date_of_birth=date(2000, 1, 1), child_first_name="X"
    )
    by_name = SimpleNamespace(
        student_id="", date_of_birth=date(2016, 5, 1), child_first_name=" linh "
    )
    twin = SimpleNamespace(student_id="", date_of_birth=date(2016, 5, 1), child_first_name="Lan")
    other_id = SimpleNamespace(
        student_id="1000000002", date_of_birth=date(2016, 5, 1), child_first_name="Linh"
    )
    assert integrations._same_child(by_id, student)
    assert integrations._same_child(by_name, student)
    assert not integrations._same_child(twin, student)
    assert not integrations._same_child(other_id, student)


def test_the_real_sections_render_when_their_features_exist(app, client, login_as, world):
    available = [s.key for s in sections.SECTIONS if sections.available(s)]
    if not available:
        pytest.skip("neither app.enrollment nor app.academy exists yet")
    user = login_as(Role.FAMILY)
    link(app, user.id, world.a1)
    html = client.get("/en/portal").get_data(as_text=True)
    if "enrollment" in available:
        assert "No applications for this child yet." in html
    if "academy" in available:
        assert "You have not registered for a Family Academy webinar or course." in html


def test_academy_registrations_are_listed_once_for_the_family(app, client, login_as, world):
    academy = pytest.importorskip("app.academy.models")
    from app.extensions import db as _db

    user = login_as(Role.FAMILY)
    link(app, user.id, world.a1)
    link(app, user.id, world.a2)
    with app.app_context():
        from app.academy import texts

        offering = academy.Offering(
            slug="reading-together", kind="webinar", topic="achievement", status="published"
        )
        _db.session.add(offering)
        _db.session.flush()
        texts.publish_english(offering, texts.fields("Reading together at home"), None)
        _db.session.add(
            academy.Registration(offering_id=offering.id, user_id=user.id, status="registered")
        )
        _db.session.commit()
    html = client.get("/en/portal").get_data(as_text=True)
    assert html.count("Reading together at home") == 1 and "Registered" in html
