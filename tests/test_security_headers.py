import pytest


@pytest.mark.parametrize(
    "path", ["/en/", "/ar/account/sign-in", "/healthz", "/en/no-such-page", "/"]
)
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_htmx_is_pinned_vendored_and_configured_without_eval(client):
    html = client.get("/en/").get_data(as_text=True)
    assert "/static/js/htmx-2.0.11.min.js" in html
    assert '"allowEval":false' in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_session_cookie_is_http_only_and_same_site(client):
    client.get("/en/account/sign-in")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"
