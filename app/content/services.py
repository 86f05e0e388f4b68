"""Saving, publishing and reading versioned text, with English as the fallback."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.services import record
from app.cache import bump
from app.content.models import ContentVersion
from app.extensions import db
from app.timeutil import utcnow

SOURCE_LOCALE = "en"

# Features that keep a copy of each language's published text in a table of their own (the
# academy's catalog searches titles in SQL). publish() is the only writer of such a copy, so
# it cannot drift from the versions: "module:function", called with the published version.
PROJECTIONS = {"academy_offering": "app.academy.texts:project"}


@dataclass(frozen=True)
class Text:
    """What a reader sees: the fields, and the language they are actually in."""

    fields: dict
    locale: str

    def is_fallback(self, wanted: str) -> bool:
        return self.locale != wanted


def digest(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def published_texts(entity_type: str, entity_ids: Iterable[str], locale: str) -> dict[str, Text]:
    """The newest published text of each entity in ``locale``, else in English; one query."""
    ids = [str(entity_id) for entity_id in entity_ids]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ContentVersion)
        .where(
            ContentVersion.entity_type == entity_type,
            ContentVersion.entity_id.in_(ids),
            ContentVersion.locale.in_({locale, SOURCE_LOCALE}),
            ContentVersion.status == ContentVersion.PUBLISHED,
        )
        .order_by(ContentVersion.published_at.desc(), ContentVersion.id.desc())
    )
    newest: dict[tuple[str, str], ContentVersion] = {}
    for row in rows:
        newest.setdefault((row.entity_id, row.locale), row)
    texts = {}
    for entity_id in ids:
        chosen = newest.get((entity_id, locale)) or newest.get((entity_id, SOURCE_LOCALE))
        if chosen is not None:
            texts[entity_id] = Text(chosen.fields, chosen.locale)
    return texts


def latest(entity_type: str, entity_id: str, locale: str) -> ContentVersion | None:
    """The newest version in ``locale``, draft or published (what an editor continues)."""
    return db.session.scalar(
        select(ContentVersion)
        .where(
            ContentVersion.entity_type == entity_type,
            ContentVersion.entity_id == str(entity_id),
            ContentVersion.locale == locale,
        )
        .order_by(ContentVersion.id.desc())
        .limit(1)
    )


def newest_published(entity_type: str, entity_id: str, locale: str) -> ContentVersion | None:
    return db.session.scalar(
        select(ContentVersion)
        .where(
            ContentVersion.entity_type == entity_type,
            ContentVersion.entity_id == str(entity_id),
            ContentVersion.locale == locale,
            ContentVersion.status == ContentVersion.PUBLISHED,
        )
        .order_by(ContentVersion.published_at.desc(), ContentVersion.id.desc())
        .limit(1)
    )


def history(entity_type: str, entity_id: str, locale: str | None) -> list[ContentVersion]:
    """Every version in ``locale`` (``None``: in every language), newest first."""
    query = select(ContentVersion).where(
        ContentVersion.entity_type == entity_type, ContentVersion.entity_id == str(entity_id)
    )
    if locale is not None:
        query = query.where(ContentVersion.locale == locale)
    return list(db.session.scalars(query.order_by(ContentVersion.id.desc())))


def save_draft(
    entity_type: str, entity_id: str, locale: str, fields: dict, actor
) -> ContentVersion:
    """A new draft version; translations remember which English text they were made from."""
    source = None
    if locale != SOURCE_LOCALE:
        english = newest_published(entity_type, entity_id, SOURCE_LOCALE)
        source = digest(english.fields) if english else None
    version = ContentVersion(
        entity_type=entity_type,
        entity_id=str(entity_id),
        locale=locale,
        fields=dict(fields),
        source_digest=source,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    record(
        "content.save_draft",
        target_type=entity_type,
        target_id=f"{entity_id}/{locale}",
        after={"version": version.id},
        actor=actor,
    )
    return version


def publish(version: ContentVersion, actor) -> ContentVersion:
    """Make ``version`` the one families read; audited with the text before and after."""
    before = newest_published(version.entity_type, version.entity_id, version.locale)
    version.status = ContentVersion.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = actor.id if actor else None
    db.session.flush()
    _project(version)
    bump("schools")  # pages that show this text are rendered again
    record(
        "content.publish",
        target_type=version.entity_type,
        target_id=f"{version.entity_id}/{version.locale}",
        before=before.fields if before else None,
        after=version.fields,
        actor=actor,
    )
    return version


def _project(version: ContentVersion) -> None:
    target = PROJECTIONS.get(version.entity_type)
    if target:
        module, function = target.split(":")
        getattr(importlib.import_module(module), function)(version)


def restore(version: ContentVersion, actor) -> ContentVersion:
    """A new draft with the text of an earlier version."""
    return save_draft(version.entity_type, version.entity_id, version.locale, version.fields, actor)


def needs_update(translation: ContentVersion | None, english: ContentVersion | None) -> bool:
    """True when the English text changed after this translation was made."""
    if translation is None or english is None or translation.locale == SOURCE_LOCALE:
        return False
    return translation.source_digest != digest(english.fields)
