"""A school's snapshot: honest figures with year and source; comparison of up to three."""

import pytest
from sqlalchemy import event

from app.extensions import db as _db

LARGE_HIGH_SCHOOL = "19647331931047"  # Birmingham Community Charter High: every indicator


@pytest.fixture
def school(make_school, outcomes):
    cds = make_school("Jacaranda Elementary", programs=[("dual_language", "ko")])
    outcomes(
        cds,
        "chronic_absenteeism_rate",
        [
            ("2022-23", 30.5, "reliable"),
            ("2023-24", 25.0, "reliable"),
            ("2024-25", 19.5, "reliable"),
        ],
        district={"2022-23": 28.0, "2023-24": 25.4, "2024-25": 23.9},
    )
    outcomes(
        cds,
        "chronic_absenteeism_rate",
        [("2024-25", 12.0, "small-sample")],
        subgroup="english_learners",
    )
    outcomes(
        cds, "chronic_absenteeism_rate", [("2024-25", None, "suppressed")], subgroup="homeless"
    )
    outcomes(cds, "suspension_rate", [("2024-25", None, "suppressed")])
    return cds


def test_each_figure_shows_its_year_district_value_direction_and_source(client, school):
    page = client.get(f"/en/schools/{school}").get_data(as_text=True)
    assert "Chronic absenteeism" in page
    assert "19.5%" in page and "School year 2024-25" in page
    assert "All of LAUSD: 23.9%." in page
    assert "Lower is better." in page
    assert "Source: CDE Test Data, 2024-25, California Department of Education." in page
    assert "How do we know?" in page
    # The trend is drawn and also written as a table.
    assert "<polyline" in page and '<th scope="row">2022-23</th>' in page and "30.5%" in page


def test_suppressed_values_read_not_reported_never_zero(client, school):
    page = client.get(f"/en/schools/{school}").get_data(as_text=True)
    suspension = page[page.index('id="ind-suspension_rate"') :]
    suspension = suspension[: suspension.index("</article>")]
    assert "Not reported" in suspension
    assert "0.0%" not in suspension and ">0%<" not in suspension
    assert "too few students are counted" in suspension


def test_student_groups_show_gaps_and_label_small_groups(client, school):
    page = client.get(f"/en/schools/{school}").get_data(as_text=True)
    assert "English learners" in page
    assert "−7.5 percentage points" in page
    assert "small group" in page
    assert "Students experiencing homelessness" not in page  # suppressed groups are not listed


def test_programs_are_listed_and_demo_lists_say_so(client, school):
    page = client.get(f"/en/schools/{school}").get_data(as_text=True)
    assert "Dual language (Korean)" in page
    assert "Program lists are demonstration data" in page


def test_a_snapshot_runs_a_bounded_number_of_queries(app, client, school):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/en/schools/{school}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 12


def test_a_snapshot_on_the_real_data_stays_bounded_and_honest(app, client, lausd_data):
    app.test_cli_runner().invoke(args=["data", "import-lausd", str(lausd_data)])
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/es/schools/{LARGE_HIGH_SCHOOL}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert len(statements) <= 12
    html = response.get_data(as_text=True)
    assert "2024-25" in html and "2022-23" in html


@pytest.mark.parametrize(
    "path", ["/en/schools/00000000000000", "/en/schools/not-a-code", "/en/schools/123"]
)
def test_unknown_schools_are_404(client, path):
    assert client.get(path).status_code == 404


def test_the_snapshot_is_right_to_left_in_arabic_and_printable(client, school):
    html = client.get(f"/ar/schools/{school}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    # The English address is isolated whole: in a right-to-left line, the house number
    # would otherwise be laid out after the street ("Test Street, Los Angeles 1").
    assert "<bdi>1 Test Street, Los Angeles, CA 90012</bdi>" in html
    finder = client.get("/ar/schools?q=jacaranda").get_data(as_text=True)
    assert "<bdi>1 Test Street, Los Angeles 90012</bdi>" in finder
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@media print" in css


def test_compare_shows_up_to_three_schools_side_by_side(client, make_school, school):
    others = [make_school(f"Other School {n}") for n in range(3)]
    page = client.get(f"/en/schools/compare?cds={school}&cds={others[0]}").get_data(as_text=True)
    assert "Jacaranda Elementary" in page and "Other School 0" in page
    assert "19.5%" in page and "not reported" in page
    crowded = client.get("/en/schools/compare?" + "&".join(f"cds={c}" for c in [school, *others]))
    html = crowded.get_data(as_text=True)
    assert "up to three schools" in html and "Other School 2" not in html


def test_compare_adds_a_school_by_searching(client, make_school, school):
    make_school("Sycamore Middle School")
    page = client.get(f"/en/schools/compare?cds={school}&q=sycamore").get_data(as_text=True)
    assert "Add Sycamore Middle School" in page
    assert client.get(f"/en/schools/compare?cds={school}&q=" + "x" * 500).status_code == 422
