"""Loading the public LAUSD data package (``flask data import-lausd PATH``).

Every row is validated; rows that fail are reported with their file, line and reason. The
import is one transaction: if any file is missing or malformed, or any row is rejected
(unless the caller allows some), nothing changes. Running it twice changes nothing: rows are
compared by their natural keys and only differences are written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, tuple_, update

from app.cache import bump
from app.extensions import db
from app.schools.grades import BadGradeSpan, parse_span
from app.schools.models import (
    DISTRICT_CDS,
    Demographic,
    DistrictOutcome,
    Metric,
    Outcome,
    Resource,
    School,
    Source,
    Subgroup,
)
from app.schools.search import search_text

CDS = re.compile(r"^\d{14}$")
YEAR = re.compile(r"^(\d{4})-(\d{2})$")
RELIABILITY = {"reliable", "small-sample", "suppressed", "not-available"}
PUBLISHED = {"reliable", "small-sample"}
DEMOGRAPHIC_GROUPS = [
    "african_american",
    "american_indian",
    "asian",
    "filipino",
    "hispanic",
    "pacific_islander",
    "two_or_more_races",
    "white",
    "not_reported",
    "english_learner",
    "foster",
    "homeless",
    "migrant",
    "socioeconomically_disadvantaged",
    "students_with_disabilities",
    "free_reduced_meal_eligible",
]
PROFILE_YEAR = "2025-26"
CONTACT_YEAR = "2019"

# The three outcome files (all students, student groups, the district) share their columns.
OUTCOME_COLUMNS = [
    "cds_code",
    "school_year",
    "metric_id",
    "subgroup_id",
    "value",
    "numerator",
    "denominator",
    "reliability",
    "source_snapshot_id",
]
FILES = {
    "sources": (
        "source_snapshots.csv",
        [
            "source_snapshot_id",
            "source_dataset_id",
            "source_name",
            "school_year",
            "release_date",
            "sha256_of_original_file",
            "source_url",
        ],
    ),
    "metrics": (
        "metric_definitions.csv",
        [
            "metric_id",
            "label",
            "unit",
            "better_direction",
            "description",
            "source_label",
            "source_url",
            "kind",
        ],
    ),
    "subgroups": ("subgroups.csv", ["subgroup_id", "label", "category"]),
    "schools": (
        "lausd_schools_2025_26.csv",
        [
            "cds_code",
            "school_name",
            "school_type",
            "school_level",
            "grade_span",
            "charter",
            "magnet",
            "title_i",
            "virtual_type",
            "street",
            "city",
            "zip",
            "latitude",
            "longitude",
            "enrollment_total",
            "english_learner_pct",
            "socioeconomically_disadvantaged_pct",
            "students_with_disabilities_pct",
            "staff_teachers",
            "staff_administrators",
            "staff_total",
        ],
    ),
    "contacts": ("lausd_directory_contacts_2019.csv", ["cds_code", "phone", "website"]),
    "demographics": (
        "lausd_school_demographics_2025_26.csv",
        ["cds_code"] + [f"{g}_{k}" for g in DEMOGRAPHIC_GROUPS for k in ("count", "pct")],
    ),
    "outcomes": (
        "lausd_school_outcomes_all_students_2022_2025.csv",
        OUTCOME_COLUMNS,
    ),
    "subgroup_outcomes": (
        "lausd_school_outcomes_by_subgroup_2024_25.csv",
        OUTCOME_COLUMNS,
    ),
    "district": (
        "lausd_district_outcomes_2022_2025.csv",
        OUTCOME_COLUMNS,
    ),
    "resources": (
        "lausd_school_resources.csv",
        [
            "cds_code",
            "school_year",
            "metric_id",
            "dimension",
            "value",
            "numerator",
            "denominator",
            "class_count_small",
            "class_count_medium",
            "class_count_large",
            "class_size_bands",
            "source_snapshot_id",
        ],
    ),
}


class ImportFailed(Exception):
    """The package cannot be imported; the message says why. Nothing was changed."""


class RowError(ValueError):
    """One row is invalid; the message says why."""


@dataclass
class Report:
    loaded: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    changes: dict[str, tuple[int, int, int]] = field(
        default_factory=dict
    )  # inserted, updated, deleted
    removed_demo_schools: int = 0

    def lines(self) -> Iterator[str]:
        for name, count in self.loaded.items():
            yield f"{FILES[name][0]}: {count} rows loaded"
        for table, (inserted, updated, deleted) in self.changes.items():
            yield f"{table}: {inserted} inserted, {updated} updated, {deleted} deleted"
        if self.removed_demo_schools:
            yield f"removed {self.removed_demo_schools} fictional demo schools"
        yield f"{len(self.rejected)} rows rejected"
        for filename, line, reason in self.rejected[:50]:
            yield f"  {filename} line {line}: {reason}"


def import_lausd(folder: Path, max_rejected: int = 0) -> Report:
    """Validate and load the package in ``folder``; the caller commits.

    :raises ImportFailed: a file or column is missing, or more than ``max_rejected`` rows are
        invalid (the report of rejected rows is in the message).
    """
    report = Report()
    reader = _Reader(Path(folder), report)
    sources = reader.rows("sources", _source)
    metrics = reader.rows("metrics", _metric)
    subgroups = reader.rows("subgroups", _subgroup)
    known = _Known(
        sources={row["id"] for row in sources},
        metrics={row["id"] for row in metrics},
        subgroups={row["id"] for row in subgroups},
    )
    contacts = {row["cds_code"]: row for row in reader.rows("contacts", _contact)}
    schools = reader.rows("schools", lambda raw: _school(raw, contacts, known))
    known.schools = {row["cds_code"] for row in schools}
    demographics = reader.rows("demographics", lambda raw: _demographics(raw, known), many=True)
    outcomes = reader.rows("outcomes", lambda raw: _outcome(raw, known))
    outcomes += reader.rows("subgroup_outcomes", lambda raw: _outcome(raw, known))
    district = reader.rows("district", lambda raw: _outcome(raw, known, district=True))
    resources = reader.rows("resources", lambda raw: _resource(raw, known))
    if len(report.rejected) > max_rejected:
        details = "\n".join(report.lines())
        raise ImportFailed(
            f"{len(report.rejected)} rows are invalid; nothing was imported.\n{details}"
        )

    report.removed_demo_schools = _remove_demo_schools()
    for model, rows in (
        (Source, sources),
        (Metric, metrics),
        (Subgroup, subgroups),
        (School, schools),
        (Demographic, demographics),
        (Outcome, outcomes),
        (DistrictOutcome, district),
        (Resource, resources),
    ):
        report.changes[model.__tablename__] = _sync(model, rows)
    bump("schools")
    return report


class _Known:
    def __init__(self, sources, metrics, subgroups):
        self.sources, self.metrics, self.subgroups = sources, metrics, subgroups
        self.schools: set[str] = set()


class _Reader:
    def __init__(self, folder: Path, report: Report):
        self.folder, self.report = folder, report

    def rows(
        self, name: str, convert: Callable[[dict], dict | list[dict]], many: bool = False
    ) -> list[dict]:
        filename, columns = FILES[name]
        path = self.folder / filename
        if not path.is_file():
            raise ImportFailed(f"{filename} is missing from {self.folder}")
        result: list[dict] = []
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                missing = [column for column in columns if column not in (reader.fieldnames or [])]
                if missing:
                    raise ImportFailed(f"{filename} lacks the column(s): {', '.join(missing)}")
                for line, raw in enumerate(reader, start=2):
                    try:
                        converted = convert(raw)
                    except (RowError, ValueError, TypeError) as exc:
                        self.report.rejected.append(
                            (filename, line, str(exc) or type(exc).__name__)
                        )
                        continue
                    if many:
                        result.extend(converted)
                    else:
                        result.append(converted)
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"{filename} is not UTF-8 text: {exc}") from exc
        except csv.Error as exc:
            raise ImportFailed(f"{filename} is not valid CSV: {exc}") from exc
        self.report.loaded[name] = len(result)
        return result


def _text(raw: dict, column: str, required: bool = True) -> str:
    value = (raw.get(column) or "").strip()
    if required and not value:
        raise RowError(f"{column} is empty")
    return value


def _number(raw: dict, column: str) -> float | None:
    value = (raw.get(column) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(f"{column} is not a number: {value!r}") from None


def _integer(raw: dict, column: str) -> int | None:
    value = _number(raw, column)
    return None if value is None else int(value)


def _flag(raw: dict, column: str) -> bool:
    value = _text(raw, column)
    if value not in ("Y", "N"):
        raise RowError(f"{column} must be Y or N, not {value!r}")
    return value == "Y"


def _cds(raw: dict, known_schools: set[str] | None = None) -> str:
    code = _text(raw, "cds_code")
    if not CDS.match(code):
        raise RowError(f"cds_code must be 14 digits, not {code!r}")
    if known_schools is not None and code not in known_schools:
        raise RowError(f"cds_code {code} is not in the school list")
    return code


def _year(raw: dict) -> str:
    year = _text(raw, "school_year")
    match = YEAR.match(year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise RowError(f"school_year must look like 2024-25, not {year!r}")
    return year


def _source(raw: dict) -> dict:
    return {
        "id": int(_text(raw, "source_snapshot_id")),
        "dataset_id": _text(raw, "source_dataset_id"),
        "name": _text(raw, "source_name"),
        "school_year": _year(raw),
        "release_date": _text(raw, "release_date", required=False) or None,
        "url": _text(raw, "source_url", required=False) or None,
        "sha256": _text(raw, "sha256_of_original_file", required=False) or None,
    }


def _metric(raw: dict) -> dict:
    direction = _text(raw, "better_direction", required=False) or None
    if direction not in (None, "higher", "lower"):
        raise RowError(f"better_direction must be higher or lower, not {direction!r}")
    return {
        "id": _text(raw, "metric_id"),
        "label": _text(raw, "label"),
        "unit": _text(raw, "unit"),
        "better_direction": direction,
        "description": _text(raw, "description"),
        "source_label": _text(raw, "source_label"),
        "source_url": _text(raw, "source_url"),
        "kind": _text(raw, "kind"),
    }


def _subgroup(raw: dict) -> dict:
    return {
        "id": _text(raw, "subgroup_id"),
        "label": _text(raw, "label"),
        "category": _text(raw, "category"),
    }


def _contact(raw: dict) -> dict:
    website = _text(raw, "website", required=False)
    if website and not website.startswith(("http://", "https://")):
        website = "http://" + website
    return {
        "cds_code": _cds(raw),
        "phone": _text(raw, "phone", required=False) or None,
        "website": website or None,
    }


def _school(raw: dict, contacts: dict, known: _Known) -> dict:
    code = _cds(raw)
    latitude, longitude = _number(raw, "latitude"), _number(raw, "longitude")
    if latitude is None or not 32.5 <= latitude <= 35.0:
        raise RowError(f"latitude {latitude} is outside Los Angeles County")
    if longitude is None or not -119.0 <= longitude <= -117.5:
        raise RowError(f"longitude {longitude} is outside Los Angeles County")
    zip_code = _text(raw, "zip")
    if not re.fullmatch(r"\d{5}", zip_code):
        raise RowError(f"zip must be 5 digits, not {zip_code!r}")
    try:
        grade_low, grade_high = parse_span(_text(raw, "grade_span"))
    except BadGradeSpan:
        raise RowError(f"grade_span {raw.get('grade_span')!r} is not like K-5") from None
    name, street, city = _text(raw, "school_name"), _text(raw, "street"), _text(raw, "city")
    contact = contacts.get(code, {})
    return {
        "cds_code": code,
        "name": name,
        "school_type": _text(raw, "school_type"),
        "level": _text(raw, "school_level"),
        "grade_span": _text(raw, "grade_span"),
        "grade_low": grade_low,
        "grade_high": grade_high,
        "charter": _flag(raw, "charter"),
        "magnet": _flag(raw, "magnet"),
        "title_i": _flag(raw, "title_i"),
        "virtual_type": _text(raw, "virtual_type"),
        "street": street,
        "city": city,
        "state": "CA",
        "zip": zip_code,
        "latitude": latitude,
        "longitude": longitude,
        "enrollment": _integer(raw, "enrollment_total"),
        "english_learner_pct": _number(raw, "english_learner_pct"),
        "socioeconomically_disadvantaged_pct": _number(raw, "socioeconomically_disadvantaged_pct"),
        "students_with_disabilities_pct": _number(raw, "students_with_disabilities_pct"),
        "staff_teachers": _number(raw, "staff_teachers"),
        "staff_administrators": _number(raw, "staff_administrators"),
        "staff_total": _number(raw, "staff_total"),
        "profile_year": PROFILE_YEAR,
        "profile_source_id": 6 if 6 in known.sources else None,
        "phone": contact.get("phone"),
        "website": contact.get("website"),
        "contact_year": CONTACT_YEAR if contact else None,
        "is_demo": False,
        "search_text": search_text(name, street, city, zip_code),
    }


def _demographics(raw: dict, known: _Known) -> list[dict]:
    code = _cds(raw, known.schools)
    return [
        {
            "cds_code": code,
            "group_id": group,
            "count": _integer(raw, f"{group}_count"),
            "pct": _number(raw, f"{group}_pct"),
        }
        for group in DEMOGRAPHIC_GROUPS
    ]


def _outcome(raw: dict, known: _Known, district: bool = False) -> dict:
    if district:
        code = _cds(raw)
        if code != DISTRICT_CDS:
            raise RowError(f"district rows must have cds_code {DISTRICT_CDS}")
    else:
        code = _cds(raw, known.schools)
    row = {
        "cds_code": code,
        "school_year": _year(raw),
        "metric_id": _known(raw, "metric_id", known.metrics),
        "subgroup_id": _known(raw, "subgroup_id", known.subgroups),
        "value": _number(raw, "value"),
        "numerator": _number(raw, "numerator"),
        "denominator": _number(raw, "denominator"),
        "reliability": _reliability(raw),
        "source_id": _source_id(raw, known),
    }
    if row["reliability"] in PUBLISHED and row["value"] is None:
        raise RowError(f"a {row['reliability']} value is empty")
    if row["reliability"] not in PUBLISHED:
        row["value"] = None  # never show a suppressed value, even if one slipped in
    return row


def _resource(raw: dict, known: _Known) -> dict:
    return {
        "cds_code": _cds(raw, known.schools),
        "school_year": _year(raw),
        "metric_id": _known(raw, "metric_id", known.metrics),
        "dimension": _text(raw, "dimension"),
        "value": _number(raw, "value"),
        "numerator": _number(raw, "numerator"),
        "denominator": _number(raw, "denominator"),
        "class_count_small": _integer(raw, "class_count_small"),
        "class_count_medium": _integer(raw, "class_count_medium"),
        "class_count_large": _integer(raw, "class_count_large"),
        "class_size_bands": _text(raw, "class_size_bands", required=False) or None,
        "source_id": _source_id(raw, known),
    }


def _known(raw: dict, column: str, ids: set[str]) -> str:
    value = _text(raw, column)
    if value not in ids:
        raise RowError(f"unknown {column} {value!r}")
    return value


def _reliability(raw: dict) -> str:
    value = _text(raw, "reliability")
    if value not in RELIABILITY:
        raise RowError(f"reliability must be one of {sorted(RELIABILITY)}, not {value!r}")
    return value


def _source_id(raw: dict, known: _Known) -> int | None:
    value = _text(raw, "source_snapshot_id", required=False)
    if not value:
        return None
    if not value.isdigit() or int(value) not in known.sources:
        raise RowError(f"unknown source_snapshot_id {value!r}")
    return int(value)


def _remove_demo_schools() -> int:
    demo = list(db.session.scalars(select(School).where(School.is_demo.is_(True))))
    for school in demo:
        db.session.delete(school)
    db.session.flush()
    return len(demo)


def _sync(model, rows: list[dict]) -> tuple[int, int, int]:
    """Make ``model``'s table hold exactly ``rows``: insert, update and delete the differences."""
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    columns = [column.name for column in table.columns]
    existing = {
        tuple(row[k] for k in keys): dict(row)
        for row in db.session.execute(select(*table.columns)).mappings()
    }
    if model is School:  # fictional schools are not part of the package
        existing = {key: row for key, row in existing.items() if not row["is_demo"]}
    wanted = {tuple(row[k] for k in keys): row for row in rows}
    to_insert = [row for key, row in wanted.items() if key not in existing]
    to_update = [
        row
        for key, row in wanted.items()
        if key in existing and any(existing[key][c] != row.get(c) for c in columns if c in row)
    ]
    stale = [key for key in existing if key not in wanted]
    for chunk in _chunks(to_insert, 2000):
        db.session.execute(insert(table), chunk)
    if to_update:
        db.session.execute(update(model), to_update)
    for chunk in _chunks(stale, 500):
        condition = (
            table.c[keys[0]].in_([key[0] for key in chunk])
            if len(keys) == 1
            else tuple_(*(table.c[k] for k in keys)).in_(chunk)
        )
        db.session.execute(delete(table).where(condition))
    db.session.flush()
    return len(to_insert), len(to_update), len(stale)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
