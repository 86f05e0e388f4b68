"""The school journeys in a real Chromium at phone size, with and without JavaScript, checked with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.access import Role
from tests.conftest import PASSWORD
from tests.support.axe import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def schools(make_school, outcomes):
    codes = [
        make_school(
            "Jacaranda Elementary",
            zip_code="90012",
            latitude=34.06,
            longitude=-118.24,
            programs=[("dual_language", "es")],
        ),
        make_school("Sycamore Elementary", zip_code="90026", latitude=34.08, longitude=-118.26),
        make_school(
            "Toyon High School",
            zip_code="91331",
            latitude=34.27,
            longitude=-118.43,
            grades=(9, 12),
            level="High",
        ),
    ]
    for number, code in enumerate(codes):
        outcomes(
            code,
            "chronic_absenteeism_rate",
            [
                ("2022-23", 20.0 + number, "reliable"),
                ("2023-24", 18.0, "reliable"),
                ("2024-25", 15.0 + number, "reliable"),
            ],
            district={"2022-23": 28.0, "2023-24": 25.4, "2024-25": 23.9} if number == 0 else None,
        )
    outcomes(
        codes[0],
        "chronic_absenteeism_rate",
        [("2024-25", 11.0, "small-sample")],
        subgroup="english_learners",
    )
    return codes


def test_search_as_you_type_and_filter_with_javascript(page: Page, base_url, schools):
    page.goto(f"{base_url}/en/schools")
    assert_accessible(page)
    page.get_by_label("School name, address or ZIP code").fill("elementary")
    expect(page.get_by_role("heading", name="2 schools found")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=elementary"))
    expect(page.locator("#live-region")).to_have_text("2 schools found")
    page.locator(".finder-filters summary").click()
    page.get_by_label("Dual-language program in").select_option("es")
    expect(page.get_by_role("heading", name="1 school found")).to_be_visible()
    expect(page.get_by_role("link", name="Jacaranda Elementary")).to_be_visible()
    assert_accessible(page)


def test_search_near_a_zip_code_without_javascript(browser, base_url, schools):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{base_url}/es/schools")
    page.locator(".finder-filters summary").click()
    page.locator("#near").fill("91331")
    page.locator("form.finder-form button[type=submit]").last.click()
    first = page.locator(".school-list h3").first
    expect(first).to_have_text("Toyon High School")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_use_my_location_sorts_by_distance(browser, base_url, schools):
    context = browser.new_context(
        geolocation={"latitude": 34.081, "longitude": -118.261},
        permissions=["geolocation"],
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto(f"{base_url}/en/schools")
    page.locator(".finder-filters summary").click()
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator(".school-list h3").first).to_have_text("Sycamore Elementary")
    context.close()


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_a_snapshot_reads_well_in_spanish_and_arabic(page: Page, base_url, schools, lang):
    page.goto(f"{base_url}/{lang}/schools/{schools[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jacaranda Elementary")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    page.locator("details.groups summary").first.click()
    page.locator("details.how summary").first.click()
    assert_accessible(page)


def test_compare_three_schools_from_the_finder(page: Page, base_url, schools):
    page.goto(f"{base_url}/en/schools?q=school")
    page.goto(f"{base_url}/en/schools")
    for name in ("Jacaranda Elementary", "Sycamore Elementary", "Toyon High School"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare the schools you checked").click()
    expect(page.get_by_role("heading", name="Compare schools")).to_be_visible()
    for name in ("Jacaranda Elementary", "Sycamore Elementary", "Toyon High School"):
        expect(page.get_by_role("columnheader", name=re.compile(name))).to_be_visible()
    assert_accessible(page)


def test_staff_edit_preview_and_publish_their_school(page: Page, base_url, schools, make_user):
    make_user("teacher@example.test", roles=[(Role.SCHOOL_STAFF, schools[0])])
    page.goto(f"{base_url}/en/account/sign-in")
    page.get_by_label("Email address").fill("teacher@example.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base_url}/en/staff/schools/{schools[0]}")
    assert_accessible(page)
    page.get_by_role("button", name="Publish", exact=True).click()  # empty: refused inline
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label("Mission and welcome").fill("A school where every family is welcome.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: what families will read")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published. Families see it now.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base_url}/en/schools/{schools[0]}")
    expect(page.get_by_text("A school where every family is welcome.")).to_be_visible()
