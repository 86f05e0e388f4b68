"""The linked share by school, Local District and grade, its monthly trend, against the goal."""

import re
from datetime import datetime, timedelta

import pytest

from app.accounts.access import Role
from app.extensions import db as _db
from app.portal import charts, dashboard
from app.portal.models import GuardianLink
from app.schools.models import School
from app.timeutil import utcnow
from tests.portal.conftest import SCHOOL_A, SCHOOL_B, link


@pytest.mark.parametrize(
    ("year", "goal"), [(2021, 81.0), (2022, 85.0), (2024, 93.0), (2025, 97.0), (2026, 100.0)]
)
def test_the_goal_adds_four_points_a_year_up_to_100(year, goal):
    assert dashboard.target_for(year) == goal


def test_school_years_run_july_to_june_in_los_angeles():
    assert dashboard.school_year_start(datetime(2026, 7, 1, 7, 0)) == 2026  # midnight in LA
    assert dashboard.school_year_start(datetime(2026, 7, 1, 6, 59)) == 2025
    assert dashboard.year_label(2026) == "2026-27"


def test_shares_by_school_grade_and_local_district(app, world, make_user):
    parent = make_user()
    link(app, parent.id, world.a1)
    link(app, make_user("second@example.test").id, world.a1)  # two guardians: one student
    with app.app_context():
        overall = dashboard.overall()
        assert (overall.students, overall.linked) == (3, 1)
        schools = dashboard.by_school()
        assert [(s.key, s.linked, s.students) for s in schools] == [
            (SCHOOL_B, 0, 1),  # lowest share first
            (SCHOOL_A, 1, 2),
        ]
        grades = {s.key: (s.linked, s.students) for s in dashboard.by_grade([SCHOOL_A])}
        assert grades == {"3": (0, 1), "4": (1, 1)}
        # Real schools carry no Local District: all "not assigned".
        assert [(s.key, s.students) for s in dashboard.by_local_district(schools)] == [("", 3)]


def test_demo_schools_get_a_stable_local_district(app, world):
    with app.app_context():
        school = _db.session.get(School, SCHOOL_A)
        assert dashboard.local_district_of(school) is None
        school.is_demo = True
        first = dashboard.local_district_of(school)
        assert first in {"central", "east", "northeast", "northwest", "south", "west"}
        assert dashboard.local_district_of(school) == first


def test_the_monthly_trend_counts_links_that_were_active_then(app, world, make_user):
    now = utcnow()
    parent = make_user()
    with app.app_context():
        _db.session.add(
            GuardianLink(
                student_id=world.a1,
                user_id=parent.id,
                method="demo",
                created_at=now - timedelta(days=100),
                ended_at=now - timedelta(days=40),
            )
        )
        _db.session.add(
            GuardianLink(student_id=world.b1, user_id=parent.id, method="demo", created_at=now)
        )
        _db.session.commit()
        points = dashboard.monthly_trend(now=now)
        assert len(points) == 12 and points[-1].moment == now
        assert all(p.students == 3 for p in points)
        by_moment = [(p.moment, p.linked) for p in points]
        for moment, linked in by_moment:
            expected = int(now - timedelta(days=100) <= moment < now - timedelta(days=40))
            expected += int(moment >= now)
            assert linked == expected, moment
        assert [p.linked for p in dashboard.monthly_trend([SCHOOL_B], now=now)][-1] == 1


def test_the_trend_chart_mirrors_for_right_to_left_languages(app):
    points = [
        dashboard.TrendPoint(utcnow(), utcnow().date().replace(day=1), n, 10) for n in range(5, 9)
    ]
    with app.test_request_context("/en/"):
        ltr = charts.trend_chart(points, 97.0, 81.0)
        rtl = charts.trend_chart(points, 97.0, 81.0, rtl=True)
    assert ltr.points[0][0] < ltr.points[-1][0]  # time runs to the right
    assert rtl.points[0][0] > rtl.points[-1][0]  # and to the left
    assert ltr.points[0][0] == charts.WIDTH - rtl.points[0][0]
    assert ltr.grid[0][2] == "end" and rtl.grid[0][2] == "start"
    assert ltr.target_y < ltr.baseline_y  # 97% is above 81%


def test_the_district_dashboard(app, client, login_as, world, make_user):
    link(app, make_user().id, world.a1)
    login_as(Role.ENROLLMENT)
    response = client.get("/en/staff/portal/district")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "33.3%" in html  # 1 of 3
    assert (
        "Not assigned" in html and "Jacaranda Elementary" in html and "Sycamore Elementary" in html
    )
    assert html.index("Sycamore Elementary") < html.index("Jacaranda Elementary")  # 0% first
    assert "2021-22" in html and "81%" in html and "97%" in html
    assert "<svg" in html and "<table" in html
    assert not re.search(r"\sstyle=", html)  # the Content-Security-Policy forbids them
    assert "<script>" not in html


def test_the_school_dashboard_lists_unlinked_students(app, client, login_as, world, make_user):
    link(app, make_user().id, world.a1)
    login_as(Role.SCHOOL_STAFF, SCHOOL_A)
    html = client.get(f"/en/staff/portal/{SCHOOL_A}").get_data(as_text=True)
    assert "50%" in html and "Omar" in html
    assert f'/students/{world.a1}"' not in html  # linked: not in the default list
    assert not re.search(r"\sstyle=", html)
    fragment = client.get(f"/en/staff/portal/{SCHOOL_A}?show=all", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="students">') and "Linh" in text
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("lang", ["ar", "fa", "zh_Hant"])
def test_dashboards_render_in_every_script(client, login_as, world, lang):
    login_as(Role.ADMIN)
    assert client.get(f"/{lang}/staff/portal/district").status_code == 200
    assert client.get(f"/{lang}/staff/portal/{SCHOOL_A}").status_code == 200
