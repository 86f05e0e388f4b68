"""The page-or-fragment helper."""

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
