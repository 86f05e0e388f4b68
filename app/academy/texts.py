"""An offering's words (title, description, video transcript) in each language.

The versions in :mod:`app.content` (entity type ``academy_offering``) are the record: every
save is a version, translations go through drafts and review in the workbench, and a change
of the English marks them as needing an update. ``academy_offering_texts`` holds a copy of
each language's published version, for the catalog's title search and for pages that show a
title; :func:`project` writes it, and only :func:`app.content.services.publish` calls that.
"""

from __future__ import annotations

from sqlalchemy import select

from app.academy.models import Offering, OfferingText
from app.content import services as content
from app.content.models import ContentVersion
from app.extensions import db

ENTITY = "academy_offering"
FIELDS = ("title", "description", "transcript")


def fields(title: str, description: str = "", transcript: str = "") -> dict[str, str]:
    return {"title": title, "description": description, "transcript": transcript}


def english(offering: Offering) -> dict[str, str] | None:
    """The published English fields, which staff edit on the offering's form."""
    version = content.newest_published(ENTITY, str(offering.id), content.SOURCE_LOCALE)
    return dict(version.fields) if version else None


def publish_english(offering: Offering, words: dict[str, str], actor) -> ContentVersion | None:
    """Publish the English text as a new version, unless it is the one already published.

    Staff write the English; a change marks every translation as needing an update, and
    families keep reading the earlier translation until a reviewer publishes a new one.
    """
    if english(offering) == words:
        return None
    version = content.save_draft(ENTITY, str(offering.id), content.SOURCE_LOCALE, words, actor)
    return content.publish(version, actor)


def project(version: ContentVersion) -> None:
    """Copy a just-published version into the offering's text for its language.

    The offering's row is locked first (on PostgreSQL), so two reviewers publishing the first
    translation of a language at once write one row, one after the other.
    """
    offering = db.session.scalar(
        select(Offering).where(Offering.id == int(version.entity_id)).with_for_update()
    )
    if offering is None:
        return
    text = db.session.scalar(
        select(OfferingText).where(
            OfferingText.offering_id == offering.id, OfferingText.locale == version.locale
        )
    )
    if text is None:
        text = OfferingText(offering_id=offering.id, locale=version.locale)
        db.session.add(text)
    text.title, text.description, text.transcript = (
        version.fields.get(name) or "" for name in FIELDS
    )
    db.session.flush()
    db.session.expire(offering, ["texts"])  # pages rendered in this request read the new words
