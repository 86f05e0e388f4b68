"""Interface messages and their translations, suggestions, history, glossary, catalog versions.

The database holds what is live: a message's translation in a language with status
``translated`` or ``approved`` is served by every worker (see :mod:`app.i18n.catalog`) and
written to that language's ``messages.po``. ``locale`` columns hold interface language codes
(``tl``, not Babel's ``fil``), like :class:`app.content.models.ContentVersion`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

# Status of a translation.
TRANSLATED = "translated"  # live, not (yet) checked by a reviewer: from a file or a translator
APPROVED = "approved"  # live, approved by a reviewer
NEEDS_REVIEW = "needs_review"  # not live: carried over after the English changed, or fuzzy
LIVE = (TRANSLATED, APPROVED)

# Where the live text came from; edits made in the workbench win over the file on sync.
FROM_FILE = "file"
FROM_WORKBENCH = "workbench"
FROM_IMPORT = "import"

# Suggestion states.
PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"

# Glossary kinds.
REQUIRED = "required"
FORBIDDEN = "forbidden"
KEEP = "keep"
GLOSSARY_KINDS = (REQUIRED, FORBIDDEN, KEEP)


def message_key(msgid: str, context: str | None = None) -> str:
    """The identity of a message (gettext's context and msgid), short enough to index."""
    return hashlib.sha256(f"{context or ''}\x04{msgid}".encode()).hexdigest()


class Message(db.Model):
    """One interface message as extracted from the code (English source)."""

    __tablename__ = "translation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    msgid: Mapped[str] = mapped_column(Text)
    msgid_plural: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(String(200))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "templates/x.html:12" where the code uses it, found by `flask translate sync`.
    locations: Mapped[list[str]] = mapped_column(JSON, default=list)
    obsolete: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    obsoleted_at: Mapped[datetime | None]

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.msgid, self.msgid_plural) if self.msgid_plural is not None else (self.msgid,)

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.msgid[:30]!r}>"


class MessageTranslation(db.Model):
    """A message's current translation in one language (one string per plural form)."""

    __tablename__ = "translation_strings"
    __table_args__ = (UniqueConstraint("message_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("translation_messages.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(10), index=True)
    strings: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16), default=FROM_FILE)
    # For a translation carried over from an earlier English text: that text.
    previous_source: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]

    message: Mapped[Message] = relationship()
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def is_live(self) -> bool:
        return self.status in LIVE


class Suggestion(db.Model):
    """A translator's proposal, waiting for a reviewer to approve or reject it."""

    __tablename__ = "translation_suggestions"
    __table_args__ = (Index("ix_translation_suggestions_pending", "locale", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("translation_messages.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    strings: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")

    message: Mapped[Message] = relationship()
    author = relationship("User", foreign_keys=[author_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])


class TranslationEvent(db.Model):
    """History of a message in a language: who suggested, approved, rejected, imported what."""

    __tablename__ = "translation_events"
    __table_args__ = (Index("ix_translation_events_message", "message_id", "locale"),)

    SUGGESTED = "suggested"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"
    IMPORTED = "imported"
    CARRIED_OVER = "carried_over"
    FROM_FILE = "from_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("translation_messages.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(16))
    strings: Mapped[list[str] | None] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])


class GlossaryTerm(db.Model):
    """A term the editor enforces in one language.

    ``required``: where the English has ``term``, the translation must use ``translation``.
    ``forbidden``: the translation must not use ``translation`` (``term`` says for what).
    ``keep``: where the English has ``term`` (a program's name), it stays in English as is.
    """

    __tablename__ = "translation_glossary"
    __table_args__ = (UniqueConstraint("locale", "kind", "term", "translation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(100), default="")
    translation: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User", foreign_keys=[created_by_id])


class CatalogVersion(db.Model):
    """Bumped on every change of a language's live translations; workers reload on a change."""

    __tablename__ = "catalog_versions"

    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentReview(db.Model):
    """A reviewer sent a content translation draft back, with a comment."""

    __tablename__ = "content_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("content_versions.id", ondelete="CASCADE"), index=True
    )
    comment: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer = relationship("User", foreign_keys=[reviewer_id])
