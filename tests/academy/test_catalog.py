"""The catalog: filters and search as shareable URLs, htmx fragments, live seats."""

from datetime import timedelta

import pytest

from app.academy import services
from app.academy.models import OfferingLanguage
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.academy.conftest import local

HX = {"HX-Request": "true"}


@pytest.fixture
def catalog(make_offering):
    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    make_offering(
        slug="reading-at-home",
        title="Reading at home",
        starts=soon,
        translations={"es": "Leyendo en casa"},
        interpretation=("es",),
    )
    make_offering(
        slug="iep-pathway",
        title="Understanding the IEP",
        kind="pathway",
        topic="disabilities",
        sessions=8,
        completion_required=6,
        starts=soon + timedelta(days=40),
        instruction=("es",),
        interpretation=("ko",),
        format="in_person",
        description="Services and advocacy",
    )
    make_offering(
        slug="bedtime-video",
        title="A bedtime routine",
        kind="video",
        topic="healthy_families",
        interpretation=(),
    )
    make_offering(slug="long-ago", title="Long ago", starts=local(2024, 3, 12))


def titles(html: str) -> list[str]:
    found = []
    for title in (
        "Reading at home",
        "Leyendo en casa",
        "Understanding the IEP",
        "A bedtime routine",
        "Long ago",
    ):
        if f">{title}</a>" in html:
            found.append(title)
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Reading at home", "Understanding the IEP", "A bedtime routine"]),
        ("?kind=pathway", ["Understanding the IEP"]),
        ("?topic=healthy_families", ["A bedtime routine"]),
        ("?lang=ko", ["Understanding the IEP"]),
        ("?lang=es", ["Reading at home", "Understanding the IEP"]),
        ("?format=in_person", ["Understanding the IEP"]),
        ("?q=ADVOCACY", ["Understanding the IEP"]),
        ("?q=reading&kind=webinar&lang=en", ["Reading at home"]),
        ("?q=100%25", []),
        ("?month=2024-03", ["Long ago"]),
    ],
)
def test_filters_and_search_are_shareable_urls(client, catalog, query, expected):
    response = client.get("/en/academy" + query)
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == expected


def test_search_finds_translated_titles_in_the_page_language(client, catalog):
    html = client.get("/es/academy?q=leyendo").get_data(as_text=True)
    assert titles(html) == ["Leyendo en casa"]
    assert titles(client.get("/en/academy?q=leyendo").get_data(as_text=True)) == []


def test_the_month_filter_lists_months_with_sessions(client, catalog):
    html = client.get("/en/academy").get_data(as_text=True)
    soon = (utcnow() + timedelta(days=3)).strftime("%Y-%m")
    assert f'<option value="{soon}">' in html


def test_an_htmx_search_gets_only_the_results_with_an_announcement(client, catalog):
    response = client.get("/en/academy?kind=pathway", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="results"' in html
    assert '<div hx-swap-oob="innerHTML:#live-region">1 offering found</div>' in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        "?kind=emperor",
        "?month=2024-13",
        "?month=" + "x" * 10_000,
        "?q=" + "x" * 10_000,
        "?lang=xx&page=abc",
        "?topic=%ff%c3%28",
    ],
)
def test_bad_filters_get_a_message_and_still_a_list(client, catalog, query):
    response = client.get("/en/academy" + query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'id="results"' in html


def test_the_offering_page_shows_seats_and_polls_a_tiny_fragment(app, client, catalog, make_user):
    html = client.get("/en/academy/reading-at-home").get_data(as_text=True)
    assert "10 seats left." in html
    assert 'hx-trigger="every 30s"' in html
    assert 'hx-get="/en/academy/reading-at-home/seats"' in html
    user = make_user("ana@example.test")
    with app.app_context():
        services.register(user, services.find_offering_id("reading-at-home"))
        _db.session.commit()
    fragment = client.get("/en/academy/reading-at-home/seats", headers=HX)
    text = fragment.get_data(as_text=True)
    assert "9 seats left." in text and "<html" not in text and len(fragment.data) < 600
    assert fragment.headers["Cache-Control"] == "no-cache"
    assert "9 seats left." in client.get("/en/academy/reading-at-home/seats").get_data(as_text=True)


def test_a_video_page_has_the_link_captions_and_transcript(client, make_offering, app):
    make_offering(
        slug="bedtime-video",
        title="A bedtime routine",
        kind="video",
        topic="healthy_families",
        interpretation=(),
        transcript="Lights out at eight.",
    )
    with app.app_context():
        offering = services.offering_by_slug("bedtime-video")
        offering.languages.append(OfferingLanguage(role="captions", code="es"))
        _db.session.commit()
    html = client.get("/en/academy/bedtime-video").get_data(as_text=True)
    assert "https://video.example.org/bedtime-video" in html
    assert "Lights out at eight." in html and "Spanish" in html
    assert "/register" not in html


def test_unknown_offerings_are_not_found(client):
    assert client.get("/en/academy/nothing-here").status_code == 404
    assert client.get("/en/academy/" + "x" * 10_000).status_code == 404


def test_the_home_page_links_to_the_catalog(client):
    assert 'href="/en/academy"' in client.get("/en/").get_data(as_text=True)
    assert client.get("/en/academy/").status_code == 200
