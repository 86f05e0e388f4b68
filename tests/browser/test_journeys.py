"""Main journeys of the foundation in a real Chromium, at phone size, checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser

EMAIL = "new.parent@example.com"


def test_sign_up_confirm_sign_in_then_arabic_is_right_to_left(page: Page, base_url, smtp, deliver):
    page.goto(f"{base_url}/en/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    deliver()
    page.goto(base_url + smtp.link(smtp.last_to(EMAIL)))
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()

    page.locator(".language-switcher summary").click()
    page.get_by_role("link", name="العربية").click()
    expect(page).to_have_url(re.compile(r"/ar/$"))
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    # The layout mirrors: the brand sits at the right edge in Arabic.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_pages_have_no_accessibility_violations(page: Page, base_url, lang):
    for path in ("/", "/account/sign-in", "/account/sign-up", "/account/reset", "/no-such-page"):
        page.goto(f"{base_url}/{lang}{path}")
        assert_accessible(page)


def test_invalid_sign_in_shows_errors_accessibly(page: Page, base_url):
    page.goto(f"{base_url}/es/account/sign-in")
    page.locator("button[type=submit]").last.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_everything_works_without_javascript(browser, base_url, make_user):
    make_user("parent@example.test")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{base_url}/en/account/sign-in")
    page.get_by_label("Email address").fill("parent@example.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    # The language switcher is a plain disclosure and links.
    page.locator(".language-switcher summary").click()
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # Nothing is wider than a 320 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
