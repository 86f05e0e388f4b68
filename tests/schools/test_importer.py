"""``flask data import-lausd``: validated, idempotent, all or nothing."""

import shutil

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.schools.importer import ImportFailed, import_lausd
from app.schools.models import DistrictOutcome, Outcome, Resource, School


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def test_the_real_package_loads_completely_and_a_second_run_changes_nothing(app, lausd_data):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["data", "import-lausd", str(lausd_data)])
    assert first.exit_code == 0, first.output
    assert "lausd_schools_2025_26.csv: 997 rows loaded" in first.output
    assert "0 rows rejected" in first.output
    with app.app_context():
        assert count(School) == 997
        assert count(Outcome) == 15288 + 43607
        assert count(Resource) == 40899
        assert count(DistrictOutcome) == 484
        # Suppressed and unpublished figures are stored as missing, never as zero.
        hidden = select(Outcome).where(Outcome.reliability.in_(("suppressed", "not-available")))
        assert all(row.value is None for row in _db.session.scalars(hidden))
        total = _db.session.scalar(select(func.sum(School.enrollment)))
        assert total == 495_891
    second = runner.invoke(args=["data", "import-lausd", str(lausd_data)])
    assert second.exit_code == 0
    assert "schools: 0 inserted, 0 updated, 0 deleted" in second.output
    assert "school_outcomes: 0 inserted, 0 updated, 0 deleted" in second.output


@pytest.fixture
def small_package(tmp_path, lausd_data):
    """A copy of the real package cut down to two schools, to break on purpose."""
    folder = tmp_path / "package"
    shutil.copytree(lausd_data, folder)
    for path in folder.glob("lausd_*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header, rows = lines[0], lines[1:]
        keep = [
            row
            for row in rows
            if row.startswith(("19647330100289", "19647330100669", "19647330000000"))
        ]
        path.write_text(header + "".join(keep), encoding="utf-8")
    return folder


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("lausd_schools_2025_26.csv", "cds_code,", "code,", "lacks the column(s): cds_code"),
        (
            "lausd_schools_2025_26.csv",
            "19647330100289,",
            "1964733010028,",
            "cds_code must be 14 digits",
        ),
        (
            "lausd_school_outcomes_all_students_2022_2025.csv",
            ",2023-24,",
            ",2023/24,",
            "school_year must look like 2024-25",
        ),
        (
            "lausd_school_resources.csv",
            ",2024-25,",
            ",2024-26,",
            "school_year must look like 2024-25",
        ),
        ("lausd_schools_2025_26.csv", ",34.0590649,", ",3.4,", "latitude 3.4 is outside"),
        (
            "lausd_school_outcomes_by_subgroup_2024_25.csv",
            ",english_learners,",
            ",martians,",
            "unknown subgroup_id 'martians'",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_changes(
    app, small_package, file, old, new, message
):
    with app.app_context():
        import_lausd(small_package)
        _db.session.commit()
        before = (count(School), count(Outcome), count(Resource))
    edit(small_package / file, old, new)
    result = app.test_cli_runner().invoke(args=["data", "import-lausd", str(small_package)])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert (count(School), count(Outcome), count(Resource)) == before


def test_a_missing_file_is_refused(app, small_package):
    (small_package / "subgroups.csv").unlink()
    with app.app_context(), pytest.raises(ImportFailed, match="subgroups.csv is missing"):
        import_lausd(small_package)


def test_rejected_rows_are_reported_with_file_line_and_reason(app, small_package):
    edit(small_package / "lausd_school_resources.csv", ",2024-25,", ",24-25,")
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_lausd(small_package)
        assert "lausd_school_resources.csv line" in str(failure.value)
        report = import_lausd(small_package, max_rejected=5)
        assert len(report.rejected) == 1
        _db.session.rollback()


def test_importing_real_data_removes_fictional_demo_schools(app, small_package, make_school):
    make_school("Jacaranda Demo Elementary", is_demo=True)
    with app.app_context():
        report = import_lausd(small_package)
        _db.session.commit()
        assert report.removed_demo_schools == 1
        assert not _db.session.scalar(select(School).where(School.is_demo.is_(True)))
