"""The workbench in a real Chromium at phone size: plural forms in Russian, the checks,
right-to-left Arabic, and axe on every page. The catalogs written are a temporary copy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.access import Role
from tests.conftest import PASSWORD
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser

PLURAL = "%(num)d school found"
RUSSIAN = ["Нашлась %(num)d школа", "Нашлось %(num)d школы", "Нашлось %(num)d школ"]


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/en/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def open_message(page: Page, base_url: str, lang: str, msgid: str) -> None:
    page.goto(f"{base_url}/{lang}/translate")
    page.locator("#q").fill(msgid)
    page.locator("#q").press("Enter")
    page.locator(".tw-row__source", has_text=msgid).first.click()
    expect(page.locator("#editor-form")).to_be_visible()


def test_a_russian_plural_is_suggested_then_approved_and_goes_live(
    page: Page, browser, base_url, make_user, synced
):
    make_user("translator.ru@example.test", roles=[(Role.TRANSLATOR, "ru")])
    make_user("reviewer.ru@example.test", roles=[(Role.REVIEWER, "ru")])
    sign_in(page, base_url, "translator.ru@example.test")
    page.goto(f"{base_url}/ru/translate")
    assert_accessible(page)
    open_message(page, base_url, "ru", PLURAL)
    assert page.locator("#editor-form textarea[id^=text]").count() == 3
    expect(page.locator("label[for=text1]")).to_contain_text("few")
    expect(page.locator("label[for=text2]")).to_contain_text("many")
    for index, text in enumerate(RUSSIAN):
        page.locator(f"#text{index}").fill(text)
    # The preview follows the typing (htmx), with a sample number for each form.
    expect(page.locator("#checks")).to_contain_text("Нашлось 2 школы")
    assert_accessible(page)
    page.locator("button[name=action][value=suggest]").click()
    expect(page.locator(".flash--success")).to_be_visible()
    expect(page.locator(".tw-suggestions")).to_contain_text("Нашлось %(num)d школ")

    reviewer = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(reviewer, base_url, "reviewer.ru@example.test")
    open_message(reviewer, base_url, "ru", PLURAL)
    assert_accessible(reviewer)
    reviewer.locator(".tw-suggestions button[name=decision][value=approve]").click()
    expect(reviewer.locator(".flash--success")).to_be_visible()
    expect(reviewer.locator("#text2")).to_have_value(RUSSIAN[2])
    assert_accessible(reviewer)
    reviewer.goto(f"{base_url}/ru/schools?q=zzzz")
    expect(reviewer.get_by_role("heading", name="Нашлось 0 школ")).to_be_visible()
    reviewer.context.close()


MISSING = "The placeholder %(names)s is missing. Copy it exactly as in the source."
UNSAFE = "Scripts, event handlers (on…=) and javascript: links are not allowed."


@pytest.mark.parametrize(
    ("text", "message", "variables"),
    [
        ("a millas", MISSING, {"names": "%(miles)s"}),
        ("a %(miles)s millas <script>alert(1)</script>", UNSAFE, {}),
    ],
)
def test_a_broken_translation_is_refused_with_a_clear_message(
    page: Page, base_url, make_user, synced, say, text, message, variables
):
    message = say("es", message, **variables)
    make_user("translator.es@example.test", roles=[(Role.TRANSLATOR, "es")])
    sign_in(page, base_url, "translator.es@example.test")
    open_message(page, base_url, "es", "%(miles)s miles away")
    page.locator("#text0").fill(text)
    expect(page.locator("#checks .tw-issues")).to_contain_text(message)
    page.locator("button[name=action][value=suggest]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(message)
    expect(page.locator("#text0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#text0")).to_have_value(text)
    assert_accessible(page)


def test_a_broken_translation_is_refused_without_javascript(
    browser, base_url, make_user, synced, say
):
    make_user("translator.es@example.test", roles=[(Role.TRANSLATOR, "es")])
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, base_url, "translator.es@example.test")
    open_message(page, base_url, "es", "%(miles)s miles away")
    page.locator("#text0").fill("a millas")
    page.locator("button[name=action][value=suggest]").click()
    message = say("es", MISSING, names="%(miles)s")
    expect(page.locator(".error-summary")).to_contain_text(message)
    expect(page.locator("#text0")).to_have_value("a millas")
    context.close()


def test_the_arabic_workbench_is_right_to_left(page: Page, base_url, make_user, synced):
    make_user("translator.ar@example.test", roles=[(Role.TRANSLATOR, "ar"), (Role.REVIEWER, "ar")])
    sign_in(page, base_url, "translator.ar@example.test")
    page.goto(f"{base_url}/ar/translate")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    open_message(page, base_url, "ar", PLURAL)
    assert page.locator("#editor-form textarea[id^=text]").count() == 6
    # The English source reads left to right inside the right-to-left page.
    expect(page.locator(".tw-source .tw-text").first).to_have_attribute("dir", "ltr")
    assert page.evaluate("getComputedStyle(document.querySelector('#text0')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_every_workbench_page_passes_axe(page: Page, base_url, make_user, synced, lang):
    make_user("reviewer@example.test", roles=[(Role.REVIEWER, lang)])
    sign_in(page, base_url, "reviewer@example.test")
    for path in (
        "/translate/languages",
        "/translate/glossary",
        "/translate/import",
        "/translate/content",
        "/translate?status=untranslated",
    ):
        page.goto(f"{base_url}/{lang}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert_accessible(page)
    page.goto(f"{base_url}/{lang}/translate/glossary")
    page.locator("#kind").select_option("required")
    page.locator("#term").fill("magnet")
    page.locator("form[action$='/glossary/terms'] button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#translation").fill("magnet")
    page.locator("form[action$='/glossary/terms'] button[type=submit]").click()
    expect(page.locator(".tw-glossary")).to_contain_text("magnet")
    assert_accessible(page)
    page.goto(f"{base_url}/en/translate")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Translation progress"))
    assert_accessible(page)


@pytest.mark.parametrize(
    ("lang", "title"), [("es", "Leyendo juntos en casa"), ("ar", "القراءة معًا في المنزل")]
)
def test_an_offering_is_translated_and_published_from_the_workbench(
    app, page: Page, base_url, make_user, lang, title
):
    from tests.translate.test_academy_content import make_offering

    make_offering(app, "reading-together", "Reading together at home")
    make_user("reviewer@example.test", roles=[(Role.REVIEWER, lang)])
    sign_in(page, base_url, "reviewer@example.test")
    page.goto(f"{base_url}/{lang}/translate/content?kind=academy_offering")
    assert_accessible(page)
    page.locator(".tw-row__source", has_text="Reading together at home").click()
    page.locator("#title").fill(title)
    page.locator("button[name=action][value=publish]").click()
    expect(page.locator(".flash--success")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.goto(f"{base_url}/{lang}/academy")
    expect(page.get_by_role("link", name=title)).to_be_visible()
