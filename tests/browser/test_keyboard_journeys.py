"""Registering for the Family Academy and linking a child, with the keyboard alone.

(Applying by keyboard is in tests/enrollment/test_browser_apply.py.) Every step moves focus
with Tab and acts with Enter, as someone who cannot use a mouse or a touch screen would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.support.axe import assert_accessible
from tests.test_authorization_sweep import demo  # noqa: F401

pytestmark = pytest.mark.browser


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def sign_in_by_keyboard(
    page: Page,
    base_url: str,
    lang: str = "en",
    email: str = "family@demo.test",
    password: str = DEMO_PASSWORD,
) -> None:
    page.goto(f"{base_url}/{lang}/account/sign-in")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.locator(".account-nav")).to_contain_text("")
    page.wait_for_url(f"{base_url}/{lang}/")


def open_offering(app, email: str) -> str:
    """An upcoming webinar with seats that ``email`` has not registered for."""
    from app.academy.models import Offering, Registration
    from app.accounts.models import User

    with app.app_context():
        family = _db.session.scalar(select(User.id).where(User.email == email))
        taken = select(Registration.offering_id).where(Registration.user_id == family)
        soon = utcnow() + timedelta(days=2)
        for offering in _db.session.scalars(select(Offering).where(Offering.id.not_in(taken))):
            starts = offering.starts_at
            if (
                offering.is_published
                and offering.kind == "webinar"
                and (offering.capacity is None or offering.capacity > 3)
                and starts is not None
                and starts > soon
            ):
                return offering.slug
    raise AssertionError("no open offering in the demo")


def test_register_for_a_webinar_by_keyboard(app, demo, make_user, page: Page, base_url):  # noqa: F811
    parent = make_user("keyboard.parent@example.test")
    slug = open_offering(app, parent.email)
    sign_in_by_keyboard(page, base_url, email=parent.email, password=PASSWORD)
    page.goto(f"{base_url}/en/academy/{slug}")
    tab_to(page, f"main a[href$='/academy/{slug}/register']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/academy/{slug}/register")
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/academy/my")
    expect(page.locator(".flash").first).to_be_visible()
    expect(page.locator(f"main a[href*='{slug}']").first).to_be_visible()
    assert_accessible(page)


def test_link_a_child_with_a_letters_code_by_keyboard(demo, page: Page, base_url):  # noqa: F811
    sign_in_by_keyboard(page, base_url, "vi")
    page.goto(f"{base_url}/vi/portal/link")
    assert_accessible(page)
    tab_to(page, "#student_id")
    page.keyboard.type("9100000003")
    tab_to(page, "#birth_date")
    page.keyboard.type("05142021")
    tab_to(page, "#code")
    page.keyboard.type("MAYA2-NEWYR")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sofía").first).to_be_visible()
    assert_accessible(page)
