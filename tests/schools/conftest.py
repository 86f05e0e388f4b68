"""Small, explicit schools for tests, and the real LAUSD package when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cache import bump
from app.extensions import db as _db
from app.schools.models import (
    DISTRICT_CDS,
    DistrictOutcome,
    Metric,
    Outcome,
    Program,
    School,
    Source,
    Subgroup,
)
from app.schools.search import search_text

LAUSD_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "lausd"


@pytest.fixture
def make_school(app):
    """``make_school("Jacaranda Elementary", zip_code="90012", ...)`` → its CDS code."""
    counter = iter(range(1, 10_000))

    def factory(
        name,
        zip_code="90012",
        latitude=34.06,
        longitude=-118.24,
        grades=(0, 5),
        level="Elementary",
        programs=(),
        charter=False,
        magnet=False,
        is_demo=False,
    ):
        cds = f"196473310{next(counter):05d}"
        with app.app_context():
            school = School(
                cds_code=cds,
                name=name,
                school_type=level,
                level=level,
                grade_span="K-5",
                grade_low=grades[0],
                grade_high=grades[1],
                charter=charter,
                magnet=magnet,
                street="1 Test Street",
                city="Los Angeles",
                zip=zip_code,
                latitude=latitude,
                longitude=longitude,
                enrollment=500,
                profile_year="2025-26",
                is_demo=is_demo,
                search_text=search_text(name, "1 Test Street", "Los Angeles", zip_code),
            )
            for kind, language in programs:
                school.programs.append(
                    Program(
                        program_type=kind,
                        language=language,
                        grade_low=grades[0],
                        grade_high=grades[1],
                    )
                )
            _db.session.add(school)
            bump("schools")  # as every writer of school data does
            _db.session.commit()
        return cds

    return factory


@pytest.fixture
def outcomes(app):
    """Record reference rows and outcome figures: ``outcomes(cds, metric, [(year, value, reliability)])``."""

    def add(cds, metric_id, rows, subgroup="all", district=None, unit="percent", direction="lower"):
        with app.app_context():
            if _db.session.get(Source, 1) is None:
                _db.session.add(
                    Source(id=1, dataset_id="test", name="CDE Test Data", school_year="2024-25")
                )
            if _db.session.get(Metric, metric_id) is None:
                _db.session.add(
                    Metric(
                        id=metric_id,
                        label=metric_id,
                        unit=unit,
                        better_direction=direction,
                        description="",
                        source_label="CDE",
                        source_url="",
                        kind="outcome",
                    )
                )
            for group in {"all", subgroup}:
                if _db.session.get(Subgroup, group) is None:
                    _db.session.add(Subgroup(id=group, label=group, category="test"))
            _db.session.flush()
            for year, value, reliability in rows:
                _db.session.add(
                    Outcome(
                        cds_code=cds,
                        school_year=year,
                        metric_id=metric_id,
                        subgroup_id=subgroup,
                        value=value,
                        denominator=120,
                        reliability=reliability,
                        source_id=1,
                    )
                )
            for year, value in (district or {}).items():
                _db.session.add(
                    DistrictOutcome(
                        cds_code=DISTRICT_CDS,
                        school_year=year,
                        metric_id=metric_id,
                        subgroup_id="all",
                        value=value,
                        reliability="reliable",
                        source_id=1,
                    )
                )
            bump("schools")
            _db.session.commit()

    return add


@pytest.fixture
def lausd_data():
    if not LAUSD_DATA.is_dir():
        pytest.skip(f"the real LAUSD package is not at {LAUSD_DATA}")
    return LAUSD_DATA
