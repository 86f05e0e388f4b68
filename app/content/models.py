"""Versions of text that staff and translators write (school profiles, program descriptions,
Family Academy offerings).

Every save is a new row; the newest published version of an entity in a language is what
families read. Older versions stay for history and restore.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class ContentVersion(db.Model):
    __tablename__ = "content_versions"
    __table_args__ = (Index("ix_content_versions_entity", "entity_type", "entity_id", "locale"),)

    DRAFT = "draft"
    PUBLISHED = "published"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "school_profile", "program", "academy_offering"
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(10))  # an interface language code
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # For a translation: a digest of the English text it was made from, so a later change
    # of the English shows that the translation needs an update.
    source_digest: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", foreign_keys=[created_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
