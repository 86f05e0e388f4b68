"""The outbox: every email any feature sends is first a row here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good by the mail server (for example an unknown address)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender claims a batch by writing its token and a lease; another sender skips
    # claimed rows until the lease runs out (for example after a crash).
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
