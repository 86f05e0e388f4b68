"""One notification mechanism: queue in the recipient's language, deliver over SMTP."""

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.access import Role
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.notifications.services import notify, send_pending
from tests.support.smtp import SmtpServer, free_port


def queue(app, count, locale="en"):
    with app.app_context():
        for number in range(count):
            notify(f"parent{number}@example.test", "password_changed", locale)
        _db.session.commit()


def statuses(app):
    with app.app_context():
        return dict(
            _db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )


def test_queued_messages_are_delivered_once(app, smtp, deliver):
    queue(app, 3)
    assert deliver() == (3, 0)
    assert deliver() == (0, 0)
    assert len(smtp.messages) == 3
    assert statuses(app) == {"sent": 3}


def test_messages_are_rendered_in_the_recipients_language(app, smtp, deliver):
    queue(app, 1, locale="ko")
    queue(app, 1, locale="no-such-language")
    deliver()
    korean, fallback = smtp.messages
    assert korean["Content-Language"] == "ko"
    assert fallback["Content-Language"] == "en"
    assert fallback["Subject"] == "Your password was changed"


def test_nothing_is_lost_while_the_mail_server_is_down(app):
    queue(app, 2)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    with app.app_context():
        assert send_pending() == (0, 2)
        message = _db.session.scalars(select(OutboxMessage)).first()
        assert message.attempts == 1 and "Error" in message.last_error
        # Retry later: make them due again, as time would.
        _db.session.execute(
            OutboxMessage.__table__.update().values(next_attempt_at=message.created_at)
        )
        _db.session.commit()
    server = SmtpServer()
    server.start()
    try:
        app.config["MAIL_PORT"] = server.port
        with app.app_context():
            assert send_pending() == (2, 0)
        assert len(server.messages) == 2
    finally:
        server.stop()


def test_senders_running_at_once_never_send_a_message_twice(app, smtp):
    queue(app, 40)
    errors = []

    def sender():
        try:
            with app.app_context():
                send_pending(batch_size=5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    recipients = [message["To"] for message in smtp.messages]
    assert sorted(recipients) == sorted(f"parent{n}@example.test" for n in range(40))
    assert statuses(app) == {"sent": 40}


@pytest.mark.postgres
def test_claims_skip_rows_another_sender_holds(app):
    """On PostgreSQL a second sender skips locked rows instead of waiting or taking them."""
    from app.notifications.services import _claim

    queue(app, 4)
    with app.app_context():
        first = _claim(2)
        second = _claim(10)
        assert {m.id for m in first}.isdisjoint({m.id for m in second})
        assert len(first) + len(second) == 4


def test_outbox_page_shows_messages_to_administrators(client, login_as, app):
    queue(app, 1, locale="es")
    login_as(Role.ADMIN)
    page = client.get("/en/staff/outbox/").get_data(as_text=True)
    assert "parent0@example.test" in page
    assert "Waiting to be sent" in page


def test_outbox_command_sends_and_reports(app, smtp):
    queue(app, 2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0" in result.output
