"""Bad requests get a translated 4xx page, never a 500."""

import pytest


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_not_found_page_is_in_the_language_of_the_url(client, lang):
    response = client.get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'lang="{lang}"' in html
    assert "Error code: 404" in html if lang == "en" else "404" in html


def test_method_not_allowed_is_a_page_with_allow_header(client):
    response = client.post("/en/account/check-email")
    assert response.status_code in (400, 405)  # CSRF is checked first on unsafe methods
    response = client.delete("/en/")
    assert response.status_code in (400, 405)
    response = client.get("/en/account/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_invalid_utf8_in_the_query_string_is_handled(client, make_user):
    response = client.get("/en/account/sign-in?next=%ff%fe%80")
    assert response.status_code == 200
    response = client.get("/?x=%C3%28")
    assert response.status_code == 302


def test_invalid_utf8_in_a_form_is_a_4xx(client):
    token = client.csrf_token("/en/account/sign-in")
    body = b"csrf_token=" + token.encode() + b"&email=%ff%fe@example.test&password=%80%81"
    response = client.post(
        "/en/account/sign-in", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 422


def test_too_large_a_body_is_a_translated_413(client):
    response = client.post("/es/account/sign-in", data={"email": "x" * 3_000_000})
    assert response.status_code == 413
    assert 'lang="es"' in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_translated_500_page(app, client, monkeypatch):
    def broken_home():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "main.home", broken_home)
    monkeypatch.setitem(app.config, "PROPAGATE_TEST_ERRORS", False)
    response = client.get("/es/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'lang="es"' in html and "500" in html
    assert "a bug" not in html
