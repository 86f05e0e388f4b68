"""Portal journeys in a real Chromium at phone size, each page checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.access import Role
from tests.conftest import PASSWORD
from tests.portal.conftest import SCHOOL_A
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser


def sign_in(page: Page, base_url: str, email: str, lang: str = "en") -> None:
    page.goto(f"{base_url}/{lang}/account/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".account-nav form")).to_be_visible()


def test_a_parent_links_a_child_with_a_letters_code_in_vietnamese(
    page: Page, browser, base_url, make_user, world
):
    make_user("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    make_user("mai@example.test", locale="vi")

    # School staff print the letter (in English pages; the letter is in Vietnamese).
    sign_in(page, base_url, "staff.a@example.test")
    page.goto(f"{base_url}/en/staff/portal/{SCHOOL_A}")
    assert_accessible(page)
    page.goto(f"{base_url}/en/staff/portal/{SCHOOL_A}/students/{world.a1}")
    assert_accessible(page)
    page.get_by_role("button", name="Print a letter for Mai Nguyen").click()
    letter = page.locator("article.letter")
    expect(letter).to_have_attribute("lang", "vi")
    code = letter.locator(".letter__code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert "/vi/portal/link" in letter.locator(".letter__url").inner_text()
    assert_accessible(page)

    # The parent, on her phone, in Vietnamese.
    parent = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(parent, base_url, "mai@example.test", lang="vi")
    parent.goto(f"{base_url}/vi/portal")
    expect(parent.locator("html")).to_have_attribute("lang", "vi")
    assert_accessible(parent)
    parent.locator("a[href='/vi/portal/link']").first.click()
    assert_accessible(parent)
    parent.locator("#student_id").fill("1000000001")
    parent.locator("#birth_date").fill("2016-05-01")
    parent.locator("#code").fill(code.replace("-", "").lower()[:3] + "ZZZZZZZ")  # a typo first
    parent.locator("main button[type=submit]").click()
    expect(parent.locator(".error-summary")).to_be_visible()
    expect(parent.locator("#student_id")).to_have_value("1000000001")  # nothing lost
    assert_accessible(parent)
    parent.locator("#code").fill(code.lower())
    parent.locator("main button[type=submit]").click()
    card = parent.locator(f"#child-{world.a1}")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Linh Nguyen")
    expect(card).to_contain_text("Jacaranda Elementary")
    expect(card).to_contain_text("412")  # the bus route
    assert_accessible(parent)
    assert parent.evaluate("document.documentElement.scrollWidth") <= 390
    parent.context.close()


def test_staff_approve_a_request_and_the_family_is_told_in_spanish(
    page: Page, browser, base_url, make_user, world, smtp, deliver
):
    make_user("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    make_user("mai@example.test", locale="es")

    # The family asks, without a code.
    family = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(family, base_url, "mai@example.test", lang="es")
    family.goto(f"{base_url}/es/portal/request")
    assert_accessible(family)
    family.locator("#q").fill("jacaranda")
    family.locator("main form[role=search] button").click()
    family.locator(f"a[href*='school={SCHOOL_A}']").click()
    # The next page, loaded with its styles, before axe looks at it.
    expect(family.locator("#first_name")).to_be_visible()
    family.wait_for_load_state("load")
    assert_accessible(family)
    family.locator("main form button[type=submit]").click()  # empty: errors, accessibly
    expect(family.locator(".error-summary")).to_be_visible()
    assert_accessible(family)
    family.locator("#first_name").fill("Linh")
    family.locator("#last_name").fill("Nguyen")
    family.locator("#birth_date").fill("2016-05-01")
    family.locator("#requester_name").fill("Mai Nguyen")
    family.locator("#relation").select_option("mother")
    family.locator("#phone").fill("213-555-0199")
    family.locator("main form button[type=submit]").click()
    expect(family.locator(".flash--success")).to_be_visible()
    assert_accessible(family)

    # Staff verify and approve.
    sign_in(page, base_url, "staff.a@example.test")
    page.goto(f"{base_url}/en/staff/portal")
    assert_accessible(page)
    page.get_by_role("link", name="Linh Nguyen").click()
    assert_accessible(page)
    page.get_by_label("This person is, on the emergency card").select_option(label="Mai Nguyen")
    page.get_by_role("button", name="Approve and link").click()  # not yet verified
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I checked who this person is", exact=False).check()
    page.get_by_role("button", name="Approve and link").click()
    expect(page.get_by_text("Approved. Linh is linked, and we told the family.")).to_be_visible()
    assert_accessible(page)

    deliver()
    mail = smtp.last_to("mai@example.test")
    assert mail["Content-Language"] == "es"
    assert "/es/portal" in smtp.body(mail)
    family.goto(base_url + smtp.link(mail))
    expect(family.locator(f"#child-{world.a1}")).to_contain_text("Linh Nguyen")
    assert_accessible(family)
    family.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_dashboards_are_accessible(page: Page, base_url, make_user, world, lang):
    make_user("admin@example.test", roles=[(Role.ADMIN, "")])
    sign_in(page, base_url, "admin@example.test", lang=lang)
    for path in ("/staff/portal/district", f"/staff/portal/{SCHOOL_A}", "/staff/portal"):
        page.goto(f"{base_url}/{lang}{path}")
        assert_accessible(page)
