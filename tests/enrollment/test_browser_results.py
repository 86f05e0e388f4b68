"""Families answer their offers in a real Chromium on a phone: accepting in Spanish, declining
in Arabic (right to left), with axe on every page."""

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from app.i18n.locales import LANGUAGES
from tests.conftest import PASSWORD
from tests.enrollment.factories import publish_results, selection_families, selection_world
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser


def said(app, lang: str, message: str, **values) -> str:
    """``message`` as the app says it in ``lang``."""
    with app.test_request_context(f"/{lang}/"), force_locale(LANGUAGES[lang].babel):
        return gettext(message, **values)


def sign_in_to(page: Page, base_url: str, lang: str, email: str, application_id: int) -> None:
    page.goto(f"{base_url}/{lang}/account/sign-in?next=/{lang}/apply/{application_id}")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#results-heading")).to_be_visible()


def test_a_family_accepts_its_offer_in_spanish(app, page: Page, base_url, make_user):
    world = selection_world(app)
    families = selection_families(app, make_user, world)
    publish_results(app, world)
    ana = families["ana"][1]
    sign_in_to(page, base_url, "es", "ana@example.test", ana)
    offer = page.locator("article.offer")
    expect(offer).to_contain_text(said(app, "es", "Waiting for your answer"))
    expect(offer).to_contain_text("(hora de Los Ángeles)")
    assert_accessible(page)
    offer.get_by_role("button", name=said(app, "es", "Accept this seat")).click()
    expect(page.locator(".flash")).to_have_text(
        said(app, "es", "You accepted the seat in %(program)s.",
             program="Magnet en Jacaranda Elementary")
    )
    expect(page.locator("article.offer .status-badge")).to_have_text(said(app, "es", "Accepted"))
    expect(page.get_by_role("button", name=said(app, "es", "Accept this seat"))).to_have_count(0)
    assert_accessible(page)


def test_a_family_declines_an_offer_in_arabic(app, page: Page, base_url, make_user):
    world = selection_world(app)
    families = selection_families(app, make_user, world)
    publish_results(app, world)
    badr = families["badr"][1]
    sign_in_to(page, base_url, "ar", "badr@example.test", badr)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Offered dual language, waiting for the magnet: both with the reason why.
    expect(page.locator("article.offer")).to_have_count(1)
    expect(page.locator(".results .review-list li")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name=said(app, "ar", "Decline this seat")).click()
    expect(page.locator("h1")).to_contain_text("؟")
    assert_accessible(page)
    page.get_by_role("button", name=said(app, "ar", "Yes, decline this seat")).click()
    expect(page.locator("article.offer .status-badge")).to_have_text(said(app, "ar", "Declined"))
    # The waitlist place is kept.
    expect(page.locator(".results .review-list li")).to_have_count(1)
    assert_accessible(page)
