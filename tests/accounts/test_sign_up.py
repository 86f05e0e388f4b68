"""Sign-up and email verification, with mail delivered to a real SMTP server."""

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db as _db
from tests.conftest import PASSWORD, sign_in

NEW = "new.parent@example.com"


def sign_up(client, email=NEW, password=PASSWORD, locale="en", lang="en"):
    return client.submit(
        f"/{lang}/account/sign-up", {"email": email, "password": password, "locale": locale}
    )


def test_sign_up_verify_and_sign_in(client, smtp, deliver):
    response = sign_up(client)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert f"We sent a link to {NEW}" in page

    assert sign_in(client, NEW).status_code == 422  # not confirmed yet
    assert deliver() == (1, 0)
    message = smtp.last_to(NEW)
    assert message["Subject"] == "Confirm your email address"

    confirmed = client.get(smtp.link(message))
    assert confirmed.status_code == 302
    assert "confirmed" in client.get(confirmed.location).get_data(as_text=True)
    signed_in = sign_in(client, NEW)
    assert signed_in.status_code == 302
    assert NEW in client.get("/en/account/").get_data(as_text=True)


def test_unconfirmed_account_is_told_to_confirm(client, make_user):
    make_user(NEW, verified=False)
    page = sign_in(client, NEW).get_data(as_text=True)
    assert "Please confirm your email address first" in page


def test_verification_email_is_written_in_the_chosen_language(client, smtp, deliver, app):
    sign_up(client, locale="es")
    deliver()
    message = smtp.last_to(NEW)
    assert message["Content-Language"] == "es"
    with app.app_context():
        from flask_babel import force_locale, gettext

        with force_locale("es"):
            expected = gettext("Confirm your email address")
    assert message["Subject"] == expected
    assert "/es/account/verify/" in smtp.body(message)


def test_signing_up_with_a_taken_address_reveals_nothing_and_warns_the_owner(
    client, make_user, smtp, deliver, db
):
    make_user(NEW)
    response = sign_up(client, password="another password entirely")
    assert response.status_code == 302  # same answer as for a new address
    deliver()
    assert smtp.last_to(NEW)["Subject"] == "You already have an account"
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(User)) == 1


def test_bad_input_is_refused_with_messages_and_keeps_what_was_typed(client):
    response = sign_up(client, email="not-an-address", password="short")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter an email address like name@example.com." in page
    assert "Use between 10 and 128 characters." in page
    assert 'value="not-an-address"' in page
    assert 'aria-invalid="true"' in page


def test_empty_and_huge_input_get_a_4xx_never_a_500(client):
    for data in ({}, {"email": "a" * 10_000 + "@example.com", "password": "p" * 10_000}):
        response = client.submit("/en/account/sign-up", data)
        assert response.status_code == 422
    response = client.submit("/en/account/sign-up", {"email": "x" * 3_000_000})
    assert response.status_code == 413


def test_a_broken_verification_link_offers_a_new_one(client):
    response = client.get("/en/account/verify/not-a-real-token")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)


def test_sign_up_is_audited(client, db):
    sign_up(client)
    actions = _db.session.scalars(_db.select(AuditEvent.action)).all()
    assert "account.sign_up" in actions
