"""Translating staff-written content (school profiles, program descriptions, Family Academy
offerings) per language.

Built on :mod:`app.content.services` (versions, drafts, publishing, ``needs_update``): a
translator saves a draft, a reviewer publishes it or sends it back with a comment. Academy
staff translate offerings on their own screens with the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.academy.models import CANCELLED, Offering
from app.academy.texts import ENTITY as ACADEMY
from app.academy.texts import FIELDS as ACADEMY_FIELDS
from app.audit.services import record
from app.content import services as content
from app.content.models import ContentVersion
from app.extensions import db
from app.schools.models import Program, School
from app.translate import checks
from app.translate.models import ContentReview
from app.translate.services import ChecksFailed

PROFILE = "school_profile"
PROGRAM = "program"
KINDS = (PROFILE, PROGRAM, ACADEMY)
STATES = ("all", "untranslated", "needs_update", "draft", "published")


def fields_of(kind: str) -> tuple[str, ...]:
    from app.schools.forms import ProfileForm

    if kind == ACADEMY:
        return ACADEMY_FIELDS
    return ProfileForm.FIELDS if kind == PROFILE else ("description",)


def state_labels() -> dict[str, str]:
    return {
        "all": _("All"),
        "untranslated": _("Untranslated"),
        "needs_update": _("Source changed, needs update"),
        "draft": _("Draft waiting for review"),
        "published": _("Published and up to date"),
    }


@dataclass
class ContentItem:
    kind: str
    entity_id: str
    name: str
    english: ContentVersion
    latest: ContentVersion | None  # newest version in the language, draft or published
    published: ContentVersion | None  # what families read in the language

    @property
    def state(self) -> str:
        if self.latest is not None and self.latest.status == ContentVersion.DRAFT:
            return "draft"
        if self.published is None:
            return "untranslated"
        if content.needs_update(self.published, self.english):
            return "needs_update"
        return "published"

    @property
    def draft_outdated(self) -> bool:
        return self.state == "draft" and content.needs_update(self.latest, self.english)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields to translate: an offering's transcript only when the English has one
        (videos)."""
        names = fields_of(self.kind)
        if self.kind == ACADEMY and not self.english.fields.get("transcript"):
            return tuple(name for name in names if name != "transcript")
        return names


def _newest(current: tuple | None, row) -> tuple:
    candidate = (row.published_at, row.id)
    return candidate if current is None or candidate > current else current


def items(code: str) -> list[ContentItem]:
    """Every entity with English text, with its versions in ``code``, sorted by name."""
    rows = db.session.execute(
        select(
            ContentVersion.id,
            ContentVersion.entity_type,
            ContentVersion.entity_id,
            ContentVersion.locale,
            ContentVersion.status,
            ContentVersion.published_at,
        ).where(
            ContentVersion.entity_type.in_(KINDS),
            ContentVersion.locale.in_((content.SOURCE_LOCALE, code)),
        )
    ).all()
    english: dict = {}
    latest: dict = {}
    published: dict = {}
    for row in rows:
        key = (row.entity_type, row.entity_id)
        if row.locale == content.SOURCE_LOCALE:
            if row.status == ContentVersion.PUBLISHED:
                english[key] = _newest(english.get(key), row)
            continue
        latest[key] = max(latest.get(key, 0), row.id)
        if row.status == ContentVersion.PUBLISHED:
            published[key] = _newest(published.get(key), row)
    wanted = {v[1] for v in english.values()} | set(latest.values())
    wanted |= {v[1] for v in published.values()}
    versions = (
        {
            v.id: v
            for v in db.session.scalars(select(ContentVersion).where(ContentVersion.id.in_(wanted)))
        }
        if wanted
        else {}
    )
    names = _names({key: versions[english[key][1]] for key in english}, listing=True)
    found = [
        ContentItem(
            kind,
            entity_id,
            names.get((kind, entity_id), entity_id),
            versions[english[kind, entity_id][1]],
            versions.get(latest.get((kind, entity_id))),
            versions.get(published[kind, entity_id][1]) if (kind, entity_id) in published else None,
        )
        for kind, entity_id in english
        if names.get((kind, entity_id))
    ]
    return sorted(found, key=lambda item: (item.name.casefold(), item.kind, item.entity_id))


def _names(
    english: dict[tuple[str, str], ContentVersion], listing: bool = False
) -> dict[tuple[str, str], str]:
    """What each entity is called in the workbench; entities that no longer exist have no
    name (nor, when ``listing``, cancelled academy offerings, which nobody needs translated).
    """
    from app.schools.labels import program_name

    keys = list(english)
    codes = [entity_id for kind, entity_id in keys if kind == PROFILE]
    program_ids = [int(e) for kind, e in keys if kind == PROGRAM and e.isdigit()]
    offering_ids = [int(e) for kind, e in keys if kind == ACADEMY and e.isdigit()]
    names = {}
    offerings = select(Offering.id).where(Offering.id.in_(offering_ids))
    if listing:
        offerings = offerings.where(Offering.status != CANCELLED)
    for offering_id in db.session.scalars(offerings):
        key = (ACADEMY, str(offering_id))
        names[key] = english[key].fields.get("title") or key[1]
    for cds_code, name in db.session.execute(
        select(School.cds_code, School.name).where(School.cds_code.in_(codes))
    ):
        names[PROFILE, cds_code] = name
    programs = db.session.scalars(
        select(Program).where(Program.id.in_(program_ids)).options(joinedload(Program.school))
    )
    for program in programs:
        names[PROGRAM, str(program.id)] = f"{program.school.name} · {program_name(program)}"
    return names


def item(kind: str, entity_id: str, code: str) -> ContentItem | None:
    """One entity in ``code``; None when it has no published English text to translate from."""
    if kind not in KINDS:
        return None
    english = content.newest_published(kind, entity_id, content.SOURCE_LOCALE)
    if english is None:
        return None
    name = _names({(kind, entity_id): english}).get((kind, entity_id))
    if name is None:
        return None
    return ContentItem(
        kind,
        entity_id,
        name,
        english,
        content.latest(kind, entity_id, code),
        content.newest_published(kind, entity_id, code),
    )


def filter_items(found: list[ContentItem], state: str, kind: str, query: str) -> list[ContentItem]:
    needle = query.casefold().strip()
    return [
        entry
        for entry in found
        if (state == "all" or entry.state == state)
        and (not kind or entry.kind == kind)
        and (not needle or needle in entry.name.casefold())
    ]


def english_when_translated(translation: ContentVersion | None) -> ContentVersion | None:
    """The English version a translation was made from, to show what changed since."""
    if translation is None or not translation.source_digest:
        return None
    for version in content.history(translation.entity_type, translation.entity_id, "en"):
        if content.digest(version.fields) == translation.source_digest:
            return version
    return None


def field_issues(english: dict, fields: dict, terms) -> dict[str, list[checks.Issue]]:
    """Each field's problems: script markup (errors), the glossary (warnings)."""
    found = {}
    for name, text in fields.items():
        issues = checks.content_issues(english.get(name, ""), text or "", terms)
        if issues:
            found[name] = issues
    return found


def check_fields(english: dict, fields: dict, terms) -> checks.Result:
    issues = field_issues(english, fields, terms).values()
    return checks.Result([issue for field in issues for issue in field])


class FieldsFailed(ChecksFailed):
    """A field has script or event-handler markup; ``fields`` maps names to the errors."""

    def __init__(self, fields: dict[str, list[checks.Issue]]):
        super().__init__(checks.Result([issue for issues in fields.values() for issue in issues]))
        self.fields = fields


def save(entry: ContentItem, code: str, fields: dict, actor, *, publish: bool, terms=()):
    """Save a draft of the translation, and publish it if ``publish``.

    :raises FieldsFailed: when a field fails a check that stops it.
    """
    problems = field_issues(entry.english.fields, fields, terms)
    errors = {
        name: [issue for issue in issues if issue.is_error] for name, issues in problems.items()
    }
    errors = {name: issues for name, issues in errors.items() if issues}
    if errors:
        raise FieldsFailed(errors)
    version = content.save_draft(entry.kind, entry.entity_id, code, fields, actor)
    if publish:
        content.publish(version, actor)
    return version


def send_back(version: ContentVersion, reviewer, comment: str) -> ContentReview:
    review = ContentReview(version_id=version.id, comment=comment, reviewer_id=reviewer.id)
    db.session.add(review)
    db.session.flush()
    record(
        "content.send_back",
        target_type=version.entity_type,
        target_id=f"{version.entity_id}/{version.locale}",
        after={"version": version.id, "comment": comment},
        actor=reviewer,
    )
    return review


def states(kind: str, entity_id: str) -> dict[str, str]:
    """The state of the entity's translation in every language that has a version (two
    queries, whatever the number of languages); a language without one is untranslated."""
    english = content.newest_published(kind, entity_id, content.SOURCE_LOCALE)
    if english is None:
        return {}
    newest: dict[str, ContentVersion] = {}
    published: dict[str, ContentVersion] = {}
    for version in content.history(kind, entity_id, None):
        newest.setdefault(version.locale, version)
        if version.status == ContentVersion.PUBLISHED:
            best = published.get(version.locale)
            if best is None or (version.published_at, version.id) > (best.published_at, best.id):
                published[version.locale] = version
    return {
        code: ContentItem(kind, entity_id, "", english, latest, published.get(code)).state
        for code, latest in newest.items()
        if code != content.SOURCE_LOCALE
    }


def reviews(versions: list[ContentVersion]) -> dict[int, list[ContentReview]]:
    ids = [v.id for v in versions]
    found: dict[int, list[ContentReview]] = {}
    if not ids:
        return found
    for review in db.session.scalars(
        select(ContentReview).where(ContentReview.version_id.in_(ids)).order_by(ContentReview.id)
    ):
        found.setdefault(review.version_id, []).append(review)
    return found
