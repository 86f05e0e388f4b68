"""Whatever a visitor sends, the app answers with a page: never a server error.

Forms are discovered from the pages themselves (every route with demo data, as an
administrator and as a family), then filled with random text, numbers, dates and hostile
Unicode by hypothesis. Every unsafe route refuses a missing CSRF token and a huge body,
and every response carries the security headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_authorization_sweep import SAMPLES, _url, _visitor_client, demo  # noqa: F401

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\u202e\u200f",
        "\u0000",
        "😀" * 50,
        "x" * 10_000,
        "-1",
        "0",
        "1e309",
        "NaN",
        "2026-02-30",
        "9999-12-31",
        "<script>alert(1)</script>",
        "%(name)s",
        "' OR 1=1 --",
        "../../etc/passwd",
        "\r\nSet-Cookie: x=y",
    ]
)
VALUES = st.one_of(
    NASTY,
    st.text(max_size=200),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
)
SKIP_ACTIONS = ("/account/sign-out",)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> known options


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.current = page, [], None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = Form(
                self.page, attrs.get("action") or self.page, (attrs.get("method") or "get").upper()
            )
            self.forms.append(self.current)
        elif self.current and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs.get("type") in ("submit", "hidden") and attrs["name"] == "csrf_token":
                return
            options = self.current.fields.setdefault(attrs["name"], [])
            if attrs.get("value"):
                options.append(attrs["value"])
            self.select = options if tag == "select" else None
        elif tag == "option" and self.select is not None:
            self.select.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def discover(app, client) -> list[Form]:
    forms, seen = [], set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        with app.app_context():
            url = _url(app, rule)
        if url is None:
            continue
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        parser = _FormParser(url)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            key = (urlsplit(form.action).path, form.method, tuple(sorted(form.fields)))
            if key not in seen and not form.action.endswith(SKIP_ACTIONS):
                seen.add(key)
                forms.append(form)
    return forms


def fuzz(client, form: Form, token: str):
    names = sorted(form.fields)

    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.fixed_dictionaries(
            {name: st.one_of(VALUES, st.sampled_from(form.fields[name] or [""])) for name in names}
        )
    )
    def check(values):
        if form.method == "GET":
            response = client.get(form.action, query_string=values)
        else:
            response = client.post(form.action, data={**values, "csrf_token": token})
        assert response.status_code < 500, (form.action, values, response.status_code)
        assert "Content-Security-Policy" in response.headers

    check()


@pytest.mark.parametrize("visitor", ["admin", "family"])
def test_random_input_to_every_form_never_causes_a_server_error(app, demo, visitor):  # noqa: F811
    client, _ = _visitor_client(app, visitor)
    forms = discover(app, client)
    assert len(forms) >= 5
    token = client.csrf_token("/en/")
    for form in forms:
        fuzz(client, form, token)


@given(name=st.text(min_size=1, max_size=20), value=VALUES)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_random_query_parameters_on_public_pages(client, name, value):
    for path in ("/", "/en/", "/es/schools", "/ar/account/sign-in", "/en/schools/compare"):
        response = client.get(path, query_string={name: value, "page": value})
        assert response.status_code < 500


def _keeps_expired_forms() -> set[str]:
    """Forms that, when their token expired with the session, keep what was typed (not
    saved: the family checks it after signing in) and send the visitor back, instead of a
    400. Nothing is changed by such a request."""
    from importlib.util import find_spec

    if not find_spec("app.enrollment"):
        return set()
    from app.enrollment.routes import RETURN_TO, STASHED_FORMS

    return STASHED_FORMS | set(RETURN_TO)


def test_every_unsafe_route_refuses_a_missing_token_and_a_huge_body(app, demo):  # noqa: F811
    client, _ = _visitor_client(app, "admin")
    kept = _keeps_expired_forms()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        with app.app_context():
            url = _url(app, rule)
        assert url, f"no sample for {rule.rule}"
        refused = client.post(url, data={"anything": "x"})
        expected = (302, 303) if rule.endpoint in kept else (400,)
        assert refused.status_code in expected, (url, refused.status_code)
        assert "Content-Security-Policy" in refused.headers
        huge = client.post(url, data={"text": "x" * (3 * 1024 * 1024)})
        assert huge.status_code == 413, (url, huge.status_code)


def test_a_nul_character_is_dropped_before_a_form_or_a_query_sees_it(client):
    # PostgreSQL cannot store or compare it; no one types it.
    assert client.get("/en/schools?q=%00").status_code == 200
    response = client.submit("/en/account/sign-up", {"email": "a\x00b", "password": "x"},
                             page="/en/account/sign-up")
    assert response.status_code == 422
    assert 'value="ab"' in response.get_data(as_text=True)  # the rest of what was typed stays
