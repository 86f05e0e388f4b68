"""Password reset by an emailed, expiring, single-use link."""

import time

from tests.conftest import PASSWORD, sign_in

EMAIL = "parent@example.test"
NEW_PASSWORD = "a brand new passphrase"


def request_reset(client, email=EMAIL):
    return client.submit("/en/account/reset", {"email": email})


def test_reset_by_emailed_link_signs_out_other_devices(client, app, make_user, smtp, deliver):
    make_user(EMAIL)
    other_device = app.test_client()
    sign_in(other_device, EMAIL)
    assert other_device.get("/en/account/").status_code == 200

    assert request_reset(client).status_code == 302
    deliver()
    link = smtp.link(smtp.last_to(EMAIL))
    assert client.submit(link, {"password": NEW_PASSWORD}).status_code == 302

    assert sign_in(client, EMAIL, PASSWORD).status_code == 422
    assert sign_in(client, EMAIL, NEW_PASSWORD).status_code == 302
    assert other_device.get("/en/account/").status_code == 302  # signed out
    deliver()
    assert smtp.last_to(EMAIL)["Subject"] == "Your password was changed"


def test_a_reset_link_works_only_once(client, make_user, smtp, deliver):
    make_user(EMAIL)
    request_reset(client)
    deliver()
    link = smtp.link(smtp.last_to(EMAIL))
    client.submit(link, {"password": NEW_PASSWORD})
    again = client.get(link)
    assert again.status_code == 400
    assert "This link does not work" in again.get_data(as_text=True)


def test_a_reset_link_expires(client, app, make_user, smtp, deliver):
    make_user(EMAIL)
    request_reset(client)
    deliver()
    link = smtp.link(smtp.last_to(EMAIL))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        time.sleep(1.1)
        assert client.get(link).status_code == 400
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600


def test_unknown_address_gets_the_same_answer_and_no_email(client, smtp, deliver):
    response = request_reset(client, "nobody@example.test")
    assert response.status_code == 302
    assert "If there is an account" in client.get(response.location).get_data(as_text=True)
    assert deliver() == (0, 0)


def test_new_password_is_validated_and_the_link_kept(client, make_user, smtp, deliver):
    make_user(EMAIL)
    request_reset(client)
    deliver()
    link = smtp.link(smtp.last_to(EMAIL))
    response = client.submit(link, {"password": "short"})
    assert response.status_code == 422
    assert "Use between 10 and 128 characters." in response.get_data(as_text=True)
    assert client.get(link).status_code == 200
