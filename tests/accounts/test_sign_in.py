"""Sign-in, sign-out, remember me, rate limits, safe redirects."""

import pytest

from tests.conftest import PASSWORD, sign_in

EMAIL = "parent@example.test"


def test_wrong_password_and_unknown_account_get_the_same_message(client, make_user):
    make_user(EMAIL)
    wrong = sign_in(client, EMAIL, "wrong password here")
    unknown = sign_in(client, "nobody@example.test")
    message = "That email address and password do not match an account."
    assert wrong.status_code == unknown.status_code == 422
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert f'value="{EMAIL}"' in wrong.get_data(as_text=True)


def test_sign_in_rotates_the_session(client, make_user):
    make_user(EMAIL)
    client.get("/en/account/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    assert sign_in(client, EMAIL).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]
    assert client.get_cookie("session").value != before


def test_remember_me_sets_a_lasting_cookie_and_sign_out_ends_it(client, make_user):
    make_user(EMAIL)
    client.submit("/en/account/sign-in", {"email": EMAIL, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    response = client.submit("/en/account/sign-out", page="/en/")
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 302  # back to sign-in


def test_sign_out_needs_post_and_a_token(client, make_user):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    assert client.get("/en/account/sign-out").status_code == 405
    assert client.post("/en/account/sign-out").status_code == 400
    assert client.get("/en/account/").status_code == 200


def test_too_many_failures_for_one_account_are_refused_with_a_clear_message(client, make_user):
    make_user(EMAIL)
    for _ in range(5):
        assert sign_in(client, EMAIL, "wrong password here").status_code == 422
    refused = sign_in(client, EMAIL)  # even the right password waits now
    assert refused.status_code == 429
    assert "we paused this for 15 minutes" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # Another account from the same address is not locked out by it.
    make_user("other@example.test")
    assert sign_in(client, "other@example.test").status_code == 302


def test_too_many_failures_from_one_address_are_refused(client, app):
    limit = app.config["SIGNIN_LIMIT_PER_ADDRESS"]
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    try:
        for number in range(3):
            sign_in(client, f"guess{number}@example.test", "wrong password here")
        assert sign_in(client, "guess9@example.test").status_code == 429
    finally:
        app.config["SIGNIN_LIMIT_PER_ADDRESS"] = limit


def test_rate_limit_page_is_translated(client, make_user):
    make_user(EMAIL)
    for _ in range(5):
        sign_in(client, EMAIL, "wrong password here", lang="es")
    refused = sign_in(client, EMAIL, lang="es")
    assert refused.status_code == 429
    assert 'lang="es"' in refused.get_data(as_text=True)
    assert "Too many attempts" not in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leads_off_the_site(client, make_user, target):
    make_user(EMAIL)
    response = client.submit(
        "/en/account/sign-in",
        {"email": EMAIL, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.location == "/en/"


def test_next_returns_to_the_page_that_asked_for_sign_in(client, make_user):
    make_user(EMAIL)
    asked = client.get("/en/account/")
    assert asked.status_code == 302
    sign_in_page = asked.location
    assert "next=" in sign_in_page
    response = client.submit(
        sign_in_page, {"email": EMAIL, "password": PASSWORD, "next": "/en/account/"}
    )
    assert response.location == "/en/account/"


def test_wrong_csrf_token_is_a_translated_400(client, make_user):
    make_user(EMAIL)
    response = client.post(
        "/es/account/sign-in",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert 'lang="es"' in response.get_data(as_text=True)
