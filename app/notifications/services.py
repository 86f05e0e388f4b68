"""One way to send mail: queue a message in the recipient's language, deliver it later.

Queuing is part of the caller's transaction, so a message exists exactly when the change
it reports does. Delivery (:func:`send_pending`) may run in several processes at once:
each claims rows under a lease, so no message is sent twice by two senders, and a message
whose delivery failed stays queued for a later try.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale
from jinja2_fragments.flask import render_block
from sqlalchemy import or_, select, update

from app.extensions import db
from app.i18n.locales import DEFAULT, LANGUAGES
from app.notifications.models import OutboxMessage
from app.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


def notify(recipient: str, template: str, locale: str, **context) -> OutboxMessage:
    """Queue the email ``templates/mail/<template>.txt`` to ``recipient`` in ``locale``.

    The template has a ``subject`` and a ``body`` block; both are rendered now, in the
    recipient's language (an interface language code such as ``es``).
    """
    language = LANGUAGES.get(locale) or LANGUAGES[DEFAULT]
    name = f"mail/{template}.txt"
    with force_locale(language.babel):
        context = {**context, "lang_code": language.code}
        subject = " ".join(render_block(name, "subject", **context).split())
        body = render_block(name, "body", **context).strip() + "\n"
    message = OutboxMessage(
        recipient=recipient, locale=language.code, template=template, subject=subject, body=body
    )
    db.session.add(message)
    if current_app.config["MAIL_ECHO"]:
        log.warning("Mail queued for %s: %s\n%s", recipient, subject, body)
    return message


def send_pending(batch_size: int = 50) -> tuple[int, int]:
    """Deliver queued messages until none is due. Returns (sent, failed attempts)."""
    sent = failed = 0
    while True:
        claimed = _claim(batch_size)
        if not claimed:
            return sent, failed
        batch_sent, batch_failed = _deliver(claimed)
        sent += batch_sent
        failed += batch_failed
        if batch_failed:
            return sent, failed


def _claim(batch_size: int) -> list[OutboxMessage]:
    now = utcnow()
    token = uuid.uuid4().hex
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxMessage.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(claim_token=token, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .order_by(OutboxMessage.id)
        )
    )


def _deliver(messages: list[OutboxMessage]) -> tuple[int, int]:
    transport = current_app.config["MAIL_TRANSPORT"]
    if transport == "console":
        for message in messages:
            log.warning("Mail to %s: %s\n%s", message.recipient, message.subject, message.body)
            _mark_sent(message)
        return len(messages), 0
    try:
        connection = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        for message in messages:
            _retry_later(message, exc)
        return 0, len(messages)
    sent = failed = 0
    with connection:
        for message in messages:
            try:
                connection.send_message(_as_email(message))
            except smtplib.SMTPRecipientsRefused as exc:
                _fail(message, exc)
                failed += 1
            except (OSError, smtplib.SMTPException) as exc:
                _retry_later(message, exc)
                failed += 1
            else:
                _mark_sent(message)
                sent += 1
    return sent, failed


def _connect() -> smtplib.SMTP:
    config = current_app.config
    connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    if config["MAIL_USE_STARTTLS"]:
        connection.starttls()
    if config["MAIL_USERNAME"]:
        connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return connection


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)
    # After set_content, which replaces every Content-* header.
    email["Content-Language"] = (
        LANGUAGES[message.locale].tag if message.locale in LANGUAGES else "en"
    )
    return email


def _mark_sent(message: OutboxMessage) -> None:
    message.status = OutboxMessage.SENT
    message.sent_at = utcnow()
    message.attempts += 1
    message.claim_token = None
    message.claimed_until = None
    db.session.commit()


def _retry_later(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.next_attempt_at = utcnow() + min(
        timedelta(minutes=2 ** min(message.attempts, 10)), MAX_BACKOFF
    )
    message.claim_token = None
    message.claimed_until = None
    db.session.commit()


def _fail(message: OutboxMessage, exc: Exception) -> None:
    message.status = OutboxMessage.FAILED
    _retry_later(message, exc)
