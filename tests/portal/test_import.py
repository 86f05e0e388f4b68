"""``flask data import-students``: validation, a rejection report, idempotence, and access that
follows the emergency card."""

import csv

from sqlalchemy import func, select

from app.extensions import db as _db
from app.portal.importer import GUARDIAN_FIELDS, STUDENT_COLUMNS
from app.portal.models import GuardianContact, GuardianLink, LinkCode, Student
from tests.portal.conftest import SCHOOL_A, SCHOOL_B, add_school, issue

HEADER = STUDENT_COLUMNS + [f"guardian{n}_{f}" for n in (1, 2, 3) for f in GUARDIAN_FIELDS]


def row(district_id="3000000001", **values):
    base = {
        "district_id": district_id,
        "first_name": "Ani",
        "last_name": "Sargsyan",
        "birth_date": "2015-03-02",
        "cds_code": SCHOOL_A,
        "grade": "5",
        "home_language": "hy",
        "bus_eligible": "yes",
        "bus_route": "221",
        "bus_stop": "Vermont Ave and 3rd St",
        "pickup_time": "07:10",
        "dropoff_time": "15:05",
        "attendance_year": "2026-27",
        "days_enrolled": "60",
        "days_attended": "58",
        "attendance_as_of": "2026-11-20",
        "guardian1_name": "Lilit Sargsyan",
        "guardian1_relationship": "mother",
        "guardian1_email": "lilit@example.test",
        "guardian1_phone": "818-555-0101",
        "guardian1_restricted": "no",
        "guardian2_name": "Aram Sargsyan",
        "guardian2_relationship": "father",
        "guardian2_email": "",
        "guardian2_phone": "",
        "guardian2_restricted": "",
    }
    return {**base, **values}


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(app, path, *options):
    return app.test_cli_runner().invoke(args=["data", "import-students", str(path), *options])


def schools(app):
    with app.app_context():
        add_school(SCHOOL_A, "Jacaranda Elementary")
        add_school(SCHOOL_B, "Sycamore Elementary", 6, 8)
        _db.session.commit()


def test_import_then_again_changes_nothing(app, tmp_path):
    schools(app)
    path = write(
        tmp_path / "students.csv", [row(), row("3000000002", first_name="Davit", grade="K")]
    )
    result = run(app, path)
    assert result.exit_code == 0, result.output
    assert "students: 2 created, 0 updated, 0 unchanged, 0 rows rejected" in result.output
    assert "guardians: 4 added" in result.output
    with app.app_context():
        ani = _db.session.scalar(select(Student).where(Student.district_id == "3000000001"))
        assert (ani.grade, ani.home_language, ani.bus_route, str(ani.pickup_time)) == (
            5,
            "hy",
            "221",
            "07:10:00",
        )
        assert [c.name for c in ani.contacts] == ["Lilit Sargsyan", "Aram Sargsyan"]
        davit = _db.session.scalar(select(Student).where(Student.district_id == "3000000002"))
        assert davit.grade == 0
    again = run(app, path)
    assert "students: 0 created, 0 updated, 2 unchanged" in again.output
    assert "guardians: 0 added, 0 changed, 0 removed" in again.output


def test_changes_are_written(app, tmp_path):
    schools(app)
    run(app, write(tmp_path / "a.csv", [row()]))
    result = run(
        app,
        write(
            tmp_path / "b.csv",
            [row(grade="6", cds_code=SCHOOL_B, bus_eligible="no", guardian1_phone="818-555-0199")],
        ),
    )
    assert "0 created, 1 updated" in result.output and "1 changed" in result.output
    with app.app_context():
        ani = _db.session.scalar(select(Student))
        assert (ani.grade, ani.cds_code, ani.bus_eligible, ani.bus_route) == (
            6,
            SCHOOL_B,
            False,
            None,
        )


def test_bad_rows_are_reported_and_nothing_is_imported(app, tmp_path):
    schools(app)
    rows = [
        row(),
        row("12345"),
        row("3000000003", birth_date="2015-02-30"),
        row("3000000004", cds_code="19647330009999"),
        row("3000000005", grade="14", home_language="Spanish!"),
        row("3000000006", days_attended="61"),
        row("3000000007", guardian1_relationship="neighbour", guardian1_email="not-an-email"),
        row("3000000008", pickup_time="7am", attendance_year="2026-28"),
        row("3000000001"),  # the same student twice
        row("3000000009", first_name="", guardian2_restricted="maybe"),
    ]
    rejects = tmp_path / "rejects.csv"
    result = run(app, write(tmp_path / "students.csv", rows), "--rejects", str(rejects))
    assert result.exit_code != 0
    out = result.output
    assert "9 rows rejected" in out and "nothing was imported" in out
    for expected in (
        "line 3 (student 12345): district_id: must be exactly 10 digits",
        "line 4 (student 3000000003): birth_date: not a real date in the form YYYY-MM-DD",
        "line 5 (student 3000000004): cds_code: no school with this CDS code is loaded",
        "line 6 (student 3000000005): grade: must be PK, TK, K or 1 to 12",
        "line 6 (student 3000000005): home_language: must be an ISO 639 language code",
        "line 7 (student 3000000006): days_attended: more than days_enrolled",
        "line 8 (student 3000000007): guardian1_relationship: must be one of",
        "line 8 (student 3000000007): guardian1_email: not an email address",
        "line 9 (student 3000000008): pickup_time: not a time in the form HH:MM",
        "line 9 (student 3000000008): attendance_year: not a school year",
        "line 10 (student 3000000001): district_id: appears twice in the file",
        "line 11 (student 3000000009): first_name: is required",
        "line 11 (student 3000000009): guardian2_restricted: must be yes or no",
    ):
        assert expected in out, expected
    assert "Sargsyan" not in out  # no names in the report
    with rejects.open() as handle:
        assert len(list(csv.DictReader(handle))) == 13
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Student)) == 0
    # Allowing them imports the valid row only.
    allowed = run(app, write(tmp_path / "students.csv", rows), "--max-rejected", "9")
    assert allowed.exit_code == 0 and "1 created" in allowed.output


def test_missing_columns_and_unreadable_files(app, tmp_path):
    schools(app)
    path = tmp_path / "bad.csv"
    path.write_text("district_id,first_name\n1,2\n", encoding="utf-8")
    result = run(app, path)
    assert result.exit_code != 0 and "missing columns: last_name, birth_date" in result.output
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert run(app, path).exit_code != 0


def test_a_court_order_or_leaving_the_card_ends_access(app, tmp_path, make_user):
    schools(app)
    run(app, write(tmp_path / "a.csv", [row()]))
    mother = make_user("lilit@example.test")
    father = make_user("aram@example.test")
    with app.app_context():
        student = _db.session.scalar(select(Student))
        lilit, aram = student.contacts
        for user, contact in ((mother, lilit), (father, aram)):
            _db.session.add(
                GuardianLink(
                    student_id=student.id, user_id=user.id, contact_id=contact.id, method="code"
                )
            )
        _db.session.commit()
        aram_id = aram.id
    issue(app, aram_id)
    # The mother gets a court order; the father leaves the card.
    changed = row(
        guardian1_restricted="yes", guardian2_name="", guardian2_relationship="", guardian2_email=""
    )
    result = run(app, write(tmp_path / "b.csv", [changed]))
    assert result.exit_code == 0, result.output
    assert "1 removed; links ended: 2" in result.output
    with app.app_context():
        links = _db.session.scalars(select(GuardianLink).order_by(GuardianLink.user_id)).all()
        assert [(link.ended_at is not None, link.end_reason) for link in links] == [
            (True, "court_order"),
            (True, "not_guardian"),
        ]
        assert _db.session.scalar(select(func.count()).select_from(GuardianContact)) == 1
        assert _db.session.scalar(select(func.count()).select_from(LinkCode)) == 0
