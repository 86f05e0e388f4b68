"""Schools and their published data (California Department of Education), and programs.

Figures keep their school year, source and reliability; a value the state suppressed or did
not publish is stored as NULL with its reliability, never as 0.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

DISTRICT_CDS = "19647330000000"


class Source(db.Model):
    """An upstream file that figures come from (``source_snapshots.csv``)."""

    __tablename__ = "data_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    dataset_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[str] = mapped_column(String(7))
    release_date: Mapped[str | None] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str | None] = mapped_column(String(64))


class Metric(db.Model):
    __tablename__ = "metrics"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    better_direction: Mapped[str | None] = mapped_column(String(8))  # "higher", "lower"
    description: Mapped[str] = mapped_column(Text)
    source_label: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))  # "outcome" or "resource"


class Subgroup(db.Model):
    __tablename__ = "subgroups"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))


class School(db.Model):
    __tablename__ = "schools"

    cds_code: Mapped[str] = mapped_column(String(14), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    school_type: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(32), index=True)
    grade_span: Mapped[str] = mapped_column(String(16))
    # Grades as numbers: PK -2, TK -1, K 0, then 1 to 12.
    grade_low: Mapped[int]
    grade_high: Mapped[int]
    charter: Mapped[bool] = mapped_column(Boolean, default=False)
    magnet: Mapped[bool] = mapped_column(Boolean, default=False)
    title_i: Mapped[bool] = mapped_column(Boolean, default=False)
    virtual_type: Mapped[str] = mapped_column(String(1), default="N")
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2), default="CA")
    zip: Mapped[str] = mapped_column(String(5), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    enrollment: Mapped[int | None]
    english_learner_pct: Mapped[float | None] = mapped_column(Float)
    socioeconomically_disadvantaged_pct: Mapped[float | None] = mapped_column(Float)
    students_with_disabilities_pct: Mapped[float | None] = mapped_column(Float)
    staff_teachers: Mapped[float | None] = mapped_column(Float)
    staff_administrators: Mapped[float | None] = mapped_column(Float)
    staff_total: Mapped[float | None] = mapped_column(Float)
    profile_year: Mapped[str] = mapped_column(String(7))  # school year of the fields above
    profile_source_id: Mapped[int | None] = mapped_column(ForeignKey("data_sources.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_year: Mapped[str | None] = mapped_column(String(4))  # the directory's year
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Lower-case name, street, city and ZIP, for search.
    search_text: Mapped[str] = mapped_column(String(400))

    programs: Mapped[list[Program]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="Program.id"
    )

    @property
    def is_virtual(self) -> bool:
        return self.virtual_type == "V"


class Demographic(db.Model):
    __tablename__ = "school_demographics"

    cds_code: Mapped[str] = mapped_column(
        ForeignKey("schools.cds_code", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int | None]
    pct: Mapped[float | None] = mapped_column(Float)


class _OutcomeColumns:
    school_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric_id: Mapped[str] = mapped_column(ForeignKey("metrics.id"), primary_key=True)
    subgroup_id: Mapped[str] = mapped_column(ForeignKey("subgroups.id"), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    reliability: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("data_sources.id"))


class Outcome(_OutcomeColumns, db.Model):
    __tablename__ = "school_outcomes"

    cds_code: Mapped[str] = mapped_column(
        ForeignKey("schools.cds_code", ondelete="CASCADE"), primary_key=True
    )


class DistrictOutcome(_OutcomeColumns, db.Model):
    """LAUSD's own values, shown beside each school's."""

    __tablename__ = "district_outcomes"

    cds_code: Mapped[str] = mapped_column(String(14), primary_key=True)


class Resource(db.Model):
    __tablename__ = "school_resources"

    cds_code: Mapped[str] = mapped_column(
        ForeignKey("schools.cds_code", ondelete="CASCADE"), primary_key=True
    )
    school_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric_id: Mapped[str] = mapped_column(ForeignKey("metrics.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    class_count_small: Mapped[int | None]
    class_count_medium: Mapped[int | None]
    class_count_large: Mapped[int | None]
    class_size_bands: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("data_sources.id"))


class Program(db.Model):
    """A program a school offers; families apply to it through unified enrollment."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cds_code: Mapped[str] = mapped_column(
        ForeignKey("schools.cds_code", ondelete="CASCADE"), index=True
    )
    program_type: Mapped[str] = mapped_column(String(32), index=True)
    # For dual language: the partner language (an ISO 639-1 code such as "es" or "ko").
    language: Mapped[str | None] = mapped_column(String(8))
    grade_low: Mapped[int]
    grade_high: Mapped[int]
    # Its description, in every language, is versioned content (app.content, "program").
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    school: Mapped[School] = relationship(back_populates="programs")
