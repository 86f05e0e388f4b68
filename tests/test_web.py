"""The page-or-fragment helper."""

import re

from app.accounts.access import Role

HX = {"HX-Request": "true"}


def test_htmx_request_gets_only_the_named_block(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/en/staff/accounts/?q=admin")
    fragment = client.get("/en/staff/accounts/?q=admin", headers=HX)
    assert b"<html" in page.data
    assert b"<html" not in fragment.data
    assert b'id="results"' in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in page.headers["Vary"]
    assert len(fragment.data) < len(page.data) / 2


def test_history_restore_and_boosted_requests_get_the_whole_page(client, login_as):
    login_as(Role.ADMIN)
    for extra in ({"HX-History-Restore-Request": "true"}, {"HX-Boosted": "true"}):
        response = client.get("/en/staff/accounts/", headers={**HX, **extra})
        assert b"<html" in response.data


def test_fragment_keeps_the_language_of_the_page(client, login_as):
    login_as(Role.ADMIN)
    fragment = client.get("/es/staff/accounts/", headers=HX).get_data(as_text=True)
    assert "cuenta" in fragment.lower()


def test_fragment_announces_its_result_to_screen_readers(client, login_as):
    login_as(Role.ADMIN)
    fragment = client.get("/en/staff/accounts/?q=admin", headers=HX).get_data(as_text=True)
    assert '<div hx-swap-oob="innerHTML:#live-region">1 account</div>' in fragment


def _body_token(html: str) -> str | None:
    match = re.search(r"<body [^>]*\"X-CSRFToken\": \"([^\"]+)\"", html)
    return match.group(1) if match else None


def test_an_anonymous_page_without_a_form_sets_no_session_and_no_token(client):
    for path in ("/en/", "/es/schools?q=elementary", "/en/academy"):
        response = client.get(path)
        assert _body_token(response.get_data(as_text=True)) is None, path
        assert not any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_a_page_with_a_form_carries_the_token_in_the_form_and_for_htmx(client):
    html = client.get("/en/account/sign-in").get_data(as_text=True)
    token = _body_token(html)
    assert token and f'name="csrf_token" type="hidden" value="{token}"' in html
    assert client.get_cookie("session") is not None


def test_a_signed_in_visitor_gets_the_token_on_every_page(client, login_as):
    login_as(Role.FAMILY)
    assert _body_token(client.get("/en/").get_data(as_text=True))
