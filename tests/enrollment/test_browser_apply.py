"""The family's whole journey in a real Chromium on a phone, in English and Spanish, with axe
on every step; once with the keyboard only."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.enrollment.models import Application
from app.extensions import db as _db
from tests.conftest import PASSWORD
from tests.enrollment.factories import make_world
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser

def _stored(app, email: str) -> Application:
    with app.app_context():
        found = _db.session.scalars(
            _db.select(Application).where(Application.user.has(email=email))
        ).one()
        _ = [(c.cycle_program_id, [k.kind for k in c.claims]) for c in found.choices]
        _db.session.expunge_all()
        return found


def _sign_in(page: Page, email: str) -> None:
    expect(page.locator("#email")).to_be_visible()
    assert_accessible(page)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_the_whole_journey_on_a_phone(app, page: Page, base_url, smtp, deliver, make_user):
    world = make_world(app)
    make_user("journey@example.test", locale="es")
    page.goto(f"{base_url}/en/apply")
    assert_accessible(page)
    # Active search: filters narrow the list without a page load, and the URL keeps them.
    page.locator("#type").select_option("sas")
    expect(page.locator("#results .program-card")).to_have_count(1)
    assert "type=sas" in page.url
    page.get_by_role("link", name="Sign in to apply").first.click()
    _sign_in(page, "journey@example.test")

    # Step 1: a mistake is explained in place (htmx swaps the 422 answer), then fixed.
    expect(page.locator("h1")).to_have_text("About your child")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#first_name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.locator("#first_name").fill("Maya")
    page.locator("#last_name").fill("Lopez")
    page.locator("#date_of_birth").fill("2021-04-02")
    page.locator("#grade").select_option("0")
    page.locator("#street").fill("12 Orange Grove")
    page.locator("#city").fill("Los Angeles")
    page.locator("#zip_code").fill("90012")
    page.locator("#home_language").select_option("es")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: the ineligible program says why; two programs are added and re-ranked.
    expect(page.locator("h1")).to_have_text("Programs for Maya")
    assert_accessible(page)
    page.locator("#grade").select_option("")
    expect(page.locator("#results")).to_contain_text("Not possible for Maya")
    page.get_by_role("button", name=re.compile("Add to the list: Magnet at Jacaranda")).click()
    expect(page.locator(".choice-list .choice")).to_have_count(1)
    page.get_by_role("button", name=re.compile("Add to the list: Dual language")).click()
    expect(page.locator(".choice-list .choice")).to_have_count(2)
    page.get_by_role("button", name=re.compile("Move up: Dual language")).click()
    expect(page.locator(".choice-list .choice").first).to_contain_text("Dual language")
    expect(page.locator("#live-region")).to_contain_text("is now number 1")
    assert_accessible(page)
    page.get_by_role("link", name="Continue to priorities").click()

    # Step 3: a sibling claim needs the name and the ID.
    assert_accessible(page)
    page.locator("input[name$='-sibling']").nth(1).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter the brother’s or sister’s name.")
    assert_accessible(page)
    page.locator("input[name$='-sibling_name']").nth(1).fill("Ana Lopez")
    page.locator("input[name$='-sibling_student_id']").nth(1).fill("1234567")
    page.get_by_role("button", name="Save and continue").click()

    # Step 4: review and send.
    expect(page.locator("h1")).to_contain_text("Check and send")
    assert_accessible(page)
    page.get_by_label("The information in this application is true").check()
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".confirmation-box")).to_be_visible()
    number = page.locator(".confirmation-box__number").inner_text().strip()
    assert re.fullmatch(r"UE\d\d-\w{4}-\w{4}", number)
    assert_accessible(page)
    page.get_by_role("link", name="Printable confirmation").click()
    expect(page.locator("main")).to_contain_text(number)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    stored = _stored(app, "journey@example.test")
    assert stored.confirmation_number == number and stored.status == "submitted"
    assert [c.cycle_program_id for c in stored.choices] == [world.programs["spanish"],
                                                            world.programs["magnet"]]
    assert [k.kind for k in stored.choices[1].claims] == ["sibling"]
    deliver()
    mail = smtp.last_to("journey@example.test")
    assert number in mail["Subject"] and mail["Content-Language"] == "es"


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focus is on ``selector`` (what a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}: {page.evaluate('document.activeElement.outerHTML')[:300]} {page.url}")


def _type(page: Page, selector: str, value: str) -> None:
    _tab_to(page, selector)
    page.keyboard.type(value)


def _choose(page: Page, selector: str, steps: int) -> None:
    """Pick an option of a select with the keyboard: focus it, then arrow down."""
    _tab_to(page, selector)
    for _ in range(steps):
        page.keyboard.press("ArrowDown")


def test_the_journey_in_spanish_with_the_keyboard_only(app, page: Page, base_url, make_user):
    world = make_world(app)
    make_user("teclado@example.test", locale="es")
    page.goto(f"{base_url}/es/account/sign-in?next=/es/apply/new%3Fprogram%3D"
              f"{world.program_ids['magnet']}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _type(page, "#email", "teclado@example.test")
    _type(page, "#password", PASSWORD)
    page.keyboard.press("Enter")

    expect(page.locator("#first_name")).to_be_visible()
    assert_accessible(page)
    _type(page, "#first_name", "Lucía")
    _type(page, "#last_name", "Pérez")
    _tab_to(page, "#date_of_birth")
    page.keyboard.type("04022021")  # a date input takes the digits in its own order
    _choose(page, "#grade", 2)  # "Choose a grade", TK, kindergarten
    _type(page, "#street", "5 Calle Luna")
    _type(page, "#city", "Los Angeles")
    _type(page, "#zip_code", "90033")
    _choose(page, "#home_language", 2)  # "Choose a language", English, Spanish
    _tab_to(page, "#child-form button[type=submit]")
    page.keyboard.press("Enter")

    # The program chosen before signing in is already on the list.
    expect(page.locator(".choice-list .choice")).to_have_count(1)
    assert_accessible(page)
    spanish = world.programs["spanish"]
    _tab_to(page, f"#results form:has(input[name=cycle_program][value='{spanish}']) button")
    page.keyboard.press("Space")
    expect(page.locator(".choice-list .choice")).to_have_count(2)
    # The keyboard stays where the family was, so ranking goes on without the mouse.
    expect(page.locator("#results .program-card__state").nth(1)).to_be_focused()
    _tab_to(page, ".choice-list form[action*='/up'] button")
    page.keyboard.press("Enter")
    expect(page.locator(".choice-list .choice").first).to_contain_text("Español")
    expect(page.locator(".choice-list form[action*='/down'] button").first).to_be_focused()
    assert_accessible(page)
    _tab_to(page, "#choices a.button")
    page.keyboard.press("Enter")

    expect(page.locator("#priorities-form")).to_be_visible()
    assert_accessible(page)
    _tab_to(page, "#priorities-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#submit-form")).to_be_visible()
    assert_accessible(page)
    _tab_to(page, "#confirm")
    page.keyboard.press("Space")
    _tab_to(page, "#submit-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".confirmation-box")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)
    stored = _stored(app, "teclado@example.test")
    assert stored.status == "submitted" and stored.child_first_name == "Lucía"
    assert stored.home_language == "es" and stored.grade == 0
    assert [c.cycle_program_id for c in stored.choices] == [world.programs["spanish"],
                                                            world.programs["magnet"]]


def test_ranking_works_without_javascript(app, browser, base_url, make_user):
    world = make_world(app)
    make_user("nojs@example.test")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320,
                                                                       "height": 640})
    page = context.new_page()
    page.goto(f"{base_url}/en/account/sign-in?next=/en/apply/new")
    page.locator("#email").fill("nojs@example.test")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    for field, value in (("#first_name", "Ana"), ("#last_name", "Diaz"),
                         ("#date_of_birth", "2021-04-02"), ("#street", "1 Elm"),
                         ("#city", "Los Angeles"), ("#zip_code", "90012")):
        page.locator(field).fill(value)
    page.locator("#grade").select_option("0")
    page.locator("#home_language").select_option("en")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name=re.compile("Add to the list: Magnet")).click()
    page.get_by_role("button", name=re.compile("Add to the list: Dual")).click()
    page.get_by_role("button", name=re.compile("Move down: Magnet")).click()
    expect(page.locator(".choice-list .choice").first).to_contain_text("Dual language")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    stored = _stored(app, "nojs@example.test")
    assert [c.cycle_program_id for c in stored.choices] == [world.programs["spanish"],
                                                            world.programs["magnet"]]
    context.close()
