"""The language is part of the URL; the root redirects by cookie, then browser, then English."""

import pytest

from app.i18n.locales import LANGUAGES


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "/es/"),
        ("zh-TW,zh;q=0.9", "/zh_Hant/"),
        ("zh-CN", "/zh_Hans/"),
        ("fil-PH", "/tl/"),
        ("de-DE,fr;q=0.8", "/en/"),
        ("fr;q=0.9,ko;q=0.8", "/ko/"),
        ("", "/en/"),
    ],
)
def test_root_follows_the_browser_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.location == expected


def test_root_prefers_the_language_cookie(client):
    client.get("/ar/")  # visiting a page in Arabic remembers it
    response = client.get("/", headers={"Accept-Language": "es"})
    assert response.location == "/ar/"


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_has_a_home_page_with_its_direction(client, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    language = LANGUAGES[code]
    assert f'<html lang="{language.tag}" dir="{language.direction}">' in html
    if code != "en":
        assert "Los Angeles Unified, for families" not in html, "home page is not translated"


def test_unknown_language_prefix_is_an_english_404(client):
    response = client.get("/xx/account/sign-in")
    assert response.status_code == 404
    assert '<html lang="en"' in response.get_data(as_text=True)


def test_bcp47_spelling_redirects_to_the_canonical_prefix(client):
    response = client.get("/zh-Hant/account/sign-in?next=/zh_Hant/")
    assert response.status_code == 301
    assert response.location == "/zh_Hant/account/sign-in?next=/zh_Hant/"


def test_switcher_keeps_the_page_and_its_query(client, login_as):
    from app.accounts.access import Role

    login_as(Role.ADMIN)
    html = client.get("/en/staff/accounts/?q=maria&page=1").get_data(as_text=True)
    assert 'href="/ar/staff/accounts/?q=maria&amp;page=1"' in html
    assert 'lang="ar">العربية</a>' in html


@pytest.mark.parametrize(
    ("path", "base_url"),
    [
        ("/es/schools?q=caf%C3%A9&grade=3&magnet=y", "http://localhost/"),
        ("/ar/staff/schools/19647330100743", "http://localhost/"),
        ("/zh_Hant/", "http://localhost/families/"),
        ("/healthz", "http://localhost/"),
    ],
)
def test_switcher_links_are_the_page_built_for_each_language(app, path, base_url):
    from app.i18n import language_links, language_url

    with app.test_request_context(path, base_url=base_url):
        app.preprocess_request()
        expected = [language_url(language.code) for language in LANGUAGES.values()]
        assert [url for _, url in language_links()] == expected


def test_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    html = client.get("/ko/account/sign-in").get_data(as_text=True)
    for language in LANGUAGES.values():
        assert f'lang="{language.tag}"' in html
        assert language.native_name in html
    assert 'hreflang="ko" lang="ko" aria-current="true"' in html


def test_hreflang_alternates_list_every_language(client):
    html = client.get("/es/account/sign-in").get_data(as_text=True)
    for language in LANGUAGES.values():
        assert (
            f'<link rel="alternate" hreflang="{language.tag}" '
            f'href="http://localhost/{language.code}/account/sign-in">' in html
        )


def test_dates_are_formatted_for_the_language_in_los_angeles_time(app):
    from datetime import datetime

    from flask_babel import force_locale, format_datetime

    winter_noon_utc = datetime(2026, 1, 15, 20, 0)  # noon in Los Angeles (UTC-8)
    with app.test_request_context("/es/"):
        with force_locale("es"):
            spanish = format_datetime(winter_noon_utc, "long")
        with force_locale("en"):
            english = format_datetime(winter_noon_utc, "long")
    assert "enero" in spanish and "12:00" in spanish
    assert "January" in english and "12:00" in english and "PST" in english
