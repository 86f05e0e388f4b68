"""The school finder: search, filters, distance, helpful empty states, shareable URLs."""

import re

from app.i18n.locales import LANGUAGES
from app.schools.services import PER_PAGE

HX = {"HX-Request": "true"}


def names(html):
    return re.findall(r'<h3><a href="/[^"]+/schools/\d{14}">([^<]+)</a>', html)


def test_search_by_name_address_or_zip_ignores_accents_and_case(client, make_school):
    make_school("Nueva Visión Elementary", zip_code="90011")
    make_school("Jacaranda Middle School", zip_code="90012")
    assert names(client.get("/en/schools?q=vision").get_data(as_text=True)) == [
        "Nueva Visión Elementary"
    ]
    assert names(client.get("/en/schools?q=90012").get_data(as_text=True)) == [
        "Jacaranda Middle School"
    ]
    assert len(names(client.get("/en/schools?q=test+street").get_data(as_text=True))) == 2


def test_filters_by_grade_program_and_dual_language_language(client, make_school):
    make_school("Korean Dual Elementary", programs=[("dual_language", "ko")])
    make_school("Spanish Dual Elementary", programs=[("dual_language", "es")])
    make_school(
        "Hilltop High", grades=(9, 12), level="High", programs=[("magnet", None)], magnet=True
    )
    page = client.get("/en/schools?language=ko").get_data(as_text=True)
    assert names(page) == ["Korean Dual Elementary"]
    assert names(client.get("/en/schools?grade=10").get_data(as_text=True)) == ["Hilltop High"]
    assert names(client.get("/en/schools?magnet=y").get_data(as_text=True)) == ["Hilltop High"]
    assert (
        len(names(client.get("/en/schools?program=dual_language&grade=3").get_data(as_text=True)))
        == 2
    )


def test_near_a_zip_code_sorts_by_distance_and_shows_miles(client, make_school):
    make_school("Far School", zip_code="91331", latitude=34.27, longitude=-118.43)
    make_school("Near School", zip_code="90012", latitude=34.06, longitude=-118.24)
    make_school("Middle School Distance", zip_code="90026", latitude=34.08, longitude=-118.26)
    page = client.get("/en/schools?near=90012").get_data(as_text=True)
    assert names(page) == ["Near School", "Middle School Distance", "Far School"]
    assert "miles away" in page
    assert "not necessarily your assigned school" in page


def test_a_zip_code_outside_the_district_gets_a_helpful_message(client, make_school):
    make_school("Near School")
    page = client.get("/en/schools?near=94110").get_data(as_text=True)
    assert "We found no Los Angeles Unified school in ZIP code 94110" in page


def test_a_malformed_zip_code_is_a_422_that_keeps_what_was_typed(client, make_school):
    response = client.get("/es/schools?q=jacaranda&near=9001x")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="9001x"' in html and 'value="jacaranda"' in html
    assert 'lang="es"' in html


def test_an_invalid_search_is_still_a_422_when_asked_again(client, make_school):
    make_school("Jacaranda Elementary")
    for headers in ({}, HX, {}, HX):
        response = client.get("/en/schools?near=9001x", headers=headers)
        assert response.status_code == 422
        assert "Enter a 5-digit ZIP code, such as 90012." in response.get_data(as_text=True)


def test_a_misspelling_gets_suggestions(client, make_school):
    make_school("Jacaranda Elementary")
    page = client.get("/en/schools?q=jakaranda").get_data(as_text=True)
    assert "0 schools found" in page
    assert "Did you mean:" in page and ">Jacaranda Elementary</a>" in page


def test_no_match_says_what_to_do(client, make_school):
    make_school("Jacaranda Elementary")
    page = client.get("/en/schools?q=zzzzqqq").get_data(as_text=True)
    assert "Try fewer filters, or check the spelling." in page


def test_htmx_gets_a_small_results_fragment_that_announces_the_count(client, make_school):
    make_school("Jacaranda Elementary")
    response = client.get("/en/schools?q=jacaranda", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="results"' in html
    assert '<div hx-swap-oob="innerHTML:#live-region">1 school found</div>' in html
    assert len(response.data) < 8 * 1024
    assert "HX-Request" in response.headers["Vary"]


def test_a_full_page_of_long_results_is_a_fragment_under_8_kb_in_every_language(
    client, make_school
):
    # As long as real cards get: a 60-letter name, both badges, the longest school type,
    # a distance, and a pager.
    for number in range(PER_PAGE + 3):
        make_school(
            f"Avenue {number:02d} Visual and Performing Arts Magnet Elementary School",
            level="Alternative Schools of Choice",
            charter=True,
            magnet=True,
        )
    for code in LANGUAGES:
        response = client.get(f"/{code}/schools?q=avenue&near=90012", headers=HX)
        assert len(names(response.get_data(as_text=True))) == PER_PAGE
        assert len(response.data) < 8 * 1024, code


def test_pages_and_every_state_are_shareable_urls(client, make_school):
    for number in range(PER_PAGE + 5):
        make_school(f"School {number:02d} Elementary")
    first = client.get("/en/schools?q=elementary&grade=2").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert 'href="/en/schools?q=elementary&amp;grade=2&amp;page=2"' in first
    second = client.get("/en/schools?q=elementary&grade=2&page=2").get_data(as_text=True)
    assert names(second) == [f"School {n:02d} Elementary" for n in range(PER_PAGE, PER_PAGE + 5)]
    assert client.get("/en/schools?page=-3&grade=99").status_code == 422


def test_long_or_strange_input_never_breaks_the_finder(client, make_school):
    make_school("Jacaranda Elementary")
    for query in (
        "q=" + "x" * 10_000,
        "q=%ff%fe",
        "q=%25%5F",
        "near=90.0,-500",
        "level=Nope",
    ):
        assert client.get("/en/schools?" + query).status_code in (200, 422)
    assert client.get("/en/schools?near=%00").status_code == 200  # a NUL is dropped


def test_the_finder_is_translated(client, make_school):
    make_school("Jacaranda Elementary")
    page = client.get("/es/schools?q=jacaranda").get_data(as_text=True)
    assert "Find a school" not in page


def test_an_invalid_htmx_search_gets_the_errors_as_a_fragment(client, make_school):
    make_school("Jacaranda Elementary")
    response = client.get("/en/schools?near=abc", headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Enter a 5-digit ZIP code, such as 90012." in html
