"""Family Academy journeys in a real Chromium at phone size, in English and Korean, with axe."""

from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from app.academy.models import Offering
from app.accounts.access import Role
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.academy.conftest import registration_of
from tests.conftest import PASSWORD
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser

TITLES = {"en": "Reading together at home", "ko": "집에서 함께 읽기"}


def sign_in_on(page: Page, email: str, audit: bool = True) -> None:
    """Fill the sign-in page the browser was sent to; it returns to where it came from."""
    expect(page.locator("#email")).to_be_visible()
    if audit:  # axe runs in the page, so not where JavaScript is off
        assert_accessible(page)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def status_of(app, email: str, offering_id: int) -> tuple[str, int | None]:
    with app.app_context():
        registration = registration_of(email, offering_id)
        return registration.status, registration.waitlist_position


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_find_register_calendar_cancel_and_promotion(
    app, browser, base_url, smtp, deliver, make_offering, make_user, lang
):
    offering_id = make_offering(
        slug="reading-together",
        title=TITLES["en"],
        translations={"ko": TITLES["ko"]},
        capacity=1,
        starts=utcnow().replace(microsecond=0) + timedelta(days=12),
    )
    make_offering(slug="math-night", title="Math night", starts=utcnow() + timedelta(days=40))
    make_user("first@example.test", locale=lang)
    make_user("second@example.test", locale=lang)
    first = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = first.new_page()

    # Find: the catalog's active search narrows the list without a page load.
    page.goto(f"{base_url}/{lang}/academy")
    assert_accessible(page)
    page.locator("#q").fill(TITLES[lang][:6])
    expect(page.locator("#results .offering-card")).to_have_count(1)
    assert "q=" in page.url  # the search is a shareable URL
    page.locator("#results .offering-card a").click()
    expect(page.locator("h1")).to_have_text(TITLES[lang])
    expect(page.locator("#seats")).to_have_attribute("hx-trigger", "every 30s")
    assert_accessible(page)

    # Register: through sign-in, back to the form, choosing interpretation.
    page.locator("main a.button[href$='/register']").click()
    sign_in_on(page, "first@example.test")
    expect(page.locator("form.register-form")).to_be_visible()
    assert_accessible(page)
    page.locator("#interpretation").select_option("ko")
    page.locator("#local_district").select_option("south")
    page.locator("form.register-form button[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/{lang}/academy/my")
    assert_accessible(page)
    assert status_of(app, "first@example.test", offering_id) == ("registered", None)

    # The calendar file opens in a phone's calendar: valid, in Los Angeles time.
    with page.expect_download() as download:
        page.locator("a[href$='calendar.ics']").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event.decoded("DTSTART").tzinfo) == "America/Los_Angeles"
    assert str(event["SUMMARY"]) == TITLES[lang]

    # A second family finds it full and joins the waitlist.
    second = browser.new_context(viewport={"width": 390, "height": 844})
    other = second.new_page()
    other.goto(f"{base_url}/{lang}/academy/reading-together")
    expect(other.locator("#seats strong")).to_be_visible()  # "Full."
    other.locator("main a.button[href$='/register']").click()
    sign_in_on(other, "second@example.test")
    other.locator("form.register-form button[type=submit]").click()
    expect(other).to_have_url(f"{base_url}/{lang}/academy/my")
    assert_accessible(other)
    assert status_of(app, "second@example.test", offering_id) == ("waitlisted", 1)

    # The first family cancels; the second gets the seat at once, and an email.
    page.locator(".offering-card a[href$='/cancel']").click()
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash--success")).to_be_visible()
    assert status_of(app, "first@example.test", offering_id)[0] == "cancelled"
    assert status_of(app, "second@example.test", offering_id) == ("registered", None)
    deliver()
    promoted = smtp.last_to("second@example.test")
    assert promoted["Content-Language"] == lang and TITLES[lang] in promoted["Subject"]
    other.reload()
    expect(other.locator("a[href$='calendar.ics']")).to_be_visible()
    assert_accessible(other)
    first.close()
    second.close()


def test_staff_take_attendance_on_a_phone(
    app, page: Page, base_url, make_offering, make_user, login_as
):
    offering_id = make_offering(
        kind="pathway",
        topic="multilingual",
        sessions=8,
        completion_required=6,
        starts=utcnow() + timedelta(days=2),
    )
    for number in range(3):
        user = make_user(f"parent{number}@example.test")
        with app.app_context():
            from app.academy import services

            services.register(user, offering_id, participant_name=f"Parent {number}")
            _db.session.commit()
    make_user("staff@example.test", roles=[(Role.ACADEMY, "")])
    with app.app_context():
        session_id = _db.session.get(Offering, offering_id).sessions[0].id

    page.goto(f"{base_url}/en/staff/academy/sessions/{session_id}/roster")
    sign_in_on(page, "staff@example.test")
    expect(page.locator(".roster-row")).to_have_count(3)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    row = page.locator(".roster-row").first
    row.get_by_role("button", name="Present").click()
    expect(page.locator(".roster-row").first.locator("button[aria-pressed=true]")).to_have_count(1)
    expect(page.locator("#live-region")).to_contain_text("Saved: Parent 0 is present.")
    assert_accessible(page)
    with app.app_context():
        registration = registration_of("parent0@example.test", offering_id)
        assert registration.attendance[0].present is True

    page.locator(".roster-row").first.get_by_role("button", name="Undo").click()
    expect(page.locator(".roster-row").first.locator("button[aria-pressed=true]")).to_have_count(0)
    with app.app_context():
        assert registration_of("parent0@example.test", offering_id).attendance == []

    page.locator(".roster-row").nth(1).get_by_role("button", name="Absent").click()
    expect(page.locator(".roster-row").nth(1)).to_have_class("roster-row roster-row--absent")
    # Still saved after a reload: nothing lives only in the page.
    page.reload()
    expect(page.locator(".roster-row").nth(1).locator("button[aria-pressed=true]")).to_have_text(
        "Absent (Parent 1)"
    )


def test_attendance_works_without_javascript(app, browser, base_url, make_offering, make_user):
    from app.academy import services

    offering_id = make_offering(starts=utcnow() + timedelta(days=1))
    user = make_user("parent@example.test")
    with app.app_context():
        services.register(user, offering_id)
        _db.session.commit()
        session_id = _db.session.get(Offering, offering_id).sessions[0].id
    make_user("staff@example.test", roles=[(Role.ACADEMY, "")])
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base_url}/en/staff/academy/sessions/{session_id}/roster")
    sign_in_on(page, "staff@example.test", audit=False)
    page.get_by_role("button", name="Present").click()
    expect(page.locator(".flash--success")).to_contain_text("is present")
    page.get_by_role("button", name="Undo").click()
    with app.app_context():
        assert registration_of("parent@example.test", offering_id).attendance == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_staff_pages_have_no_accessibility_violations(
    app, page: Page, base_url, make_offering, make_user, lang
):
    from app.academy import services

    offering_id = make_offering(
        kind="pathway",
        topic="multilingual",
        sessions=2,
        completion_required=1,
        starts=utcnow() + timedelta(days=1),
    )
    user = make_user("grad@example.test", locale="ko")
    with app.app_context():
        registration = services.register(user, offering_id, participant_name="Min")
        services.set_attendance(None, registration.offering.sessions[0], registration, "present")
        _db.session.commit()
        session_id = registration.offering.sessions[0].id
        registration_id = registration.id
    make_user("staff@example.test", roles=[(Role.ACADEMY, "")])
    page.goto(f"{base_url}/{lang}/staff/academy/")
    sign_in_on(page, "staff@example.test")
    for path in (
        "/staff/academy/",
        "/staff/academy/new",
        f"/staff/academy/{offering_id}",
        f"/staff/academy/{offering_id}/texts/es",
        f"/staff/academy/{offering_id}/sessions/new",
        f"/staff/academy/sessions/{session_id}",
        f"/staff/academy/{offering_id}/cancel",
        f"/staff/academy/certificates/{registration_id}",
        "/staff/academy/dashboard",
    ):
        page.goto(f"{base_url}/{lang}{path}")
        assert_accessible(page)
    # An invalid form shows its errors accessibly too.
    page.goto(f"{base_url}/{lang}/staff/academy/new")
    page.locator("#title").fill("")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "ko", "ar"])
def test_family_pages_have_no_accessibility_violations(
    app, page: Page, base_url, make_offering, lang
):
    make_offering(
        kind="video", slug="bedtime", title="Bedtime", topic="healthy_families", interpretation=()
    )
    make_offering(format="in_person")
    for path in (
        "/academy",
        "/academy?kind=bogus",
        "/academy/bedtime",
        "/academy/reading-at-home",
        "/academy/reading-at-home/seats",
    ):
        page.goto(f"{base_url}/{lang}{path}")
        assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
