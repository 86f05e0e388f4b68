"""Translating Family Academy offerings in the workbench: the same drafts, review and
"needs update" as school profiles, and what families then see in the catalog."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.academy import texts
from app.academy.models import AcademySession, Offering
from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.content import services as content
from app.content.models import ContentVersion
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.conftest import sign_in

TITLE = "Reading together at home"
DESCRIPTION = "Simple daily habits that build strong readers."
SPANISH = {"title": "Leyendo juntos en casa", "description": "Hábitos diarios sencillos."}
# The academy staff form for this webinar, as its English is edited.
STAFF_FORM = {
    "kind": "webinar",
    "topic": "achievement",
    "title": TITLE,
    "description": DESCRIPTION,
    "instruction": ["en"],
    "interpretation": ["es"],
    "format": "online",
    "join_url": "https://meet.example.org/reading",
    "grade_band": "all",
    "capacity": "100",
    "slug": "reading-together",
}


def make_offering(app, slug, title, kind="webinar", transcript="", status="published") -> str:
    with app.app_context():
        offering = Offering(slug=slug, kind=kind, topic="achievement", status=status)
        if kind == "video":
            offering.video_url = "https://video.example.org/" + slug
        else:
            offering.join_url, offering.capacity = "https://meet.example.org/reading", 100
            starts = utcnow().replace(microsecond=0) + timedelta(days=10)
            offering.sessions.append(
                AcademySession(starts_at=starts, ends_at=starts + timedelta(hours=1))
            )
        _db.session.add(offering)
        _db.session.flush()
        texts.publish_english(offering, texts.fields(title, DESCRIPTION, transcript), None)
        _db.session.commit()
        return str(offering.id)


@pytest.fixture
def offering(app):
    return make_offering(app, "reading-together", TITLE)


@pytest.fixture
def team(app, make_user):
    """A Spanish translator, a Spanish reviewer and an academy staff member, signed in."""

    def client_for(email, roles):
        make_user(email, roles=roles)
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    return (
        client_for("traductor@example.test", [(Role.TRANSLATOR, "es")]),
        client_for("revisora@example.test", [(Role.REVIEWER, "es")]),
        client_for("academia@example.test", [(Role.ACADEMY, "")]),
    )


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_translated_title_is_reviewed_then_families_see_and_find_it(
    app, client, offering, team, say
):
    translator, reviewer, _ = team
    listing = text_of(translator.get("/es/translate/content?kind=academy_offering"))
    assert TITLE in listing
    assert say("es", "Family Academy offerings") in listing
    assert say("es", "Untranslated") in listing

    url = f"/es/translate/content/academy_offering/{offering}"
    page = text_of(translator.get(url))
    assert TITLE in page and DESCRIPTION in page
    assert 'name="transcript"' not in page  # a webinar has no transcript to translate
    assert 'value="publish"' not in page  # translators save drafts
    response = translator.submit(url, {**SPANISH, "action": "publish"})
    assert response.status_code == 303
    assert say("es", "Draft saved.") in text_of(translator.get(response.location))
    with app.app_context():
        draft = content.latest(texts.ENTITY, offering, "es")
        assert draft.status == ContentVersion.DRAFT and draft.fields["title"] == SPANISH["title"]
    catalog = text_of(client.get("/es/academy"))
    assert SPANISH["title"] not in catalog and TITLE in catalog  # English until it is reviewed
    assert say("es", "Draft waiting for review") in text_of(
        translator.get("/es/translate/content?state=draft")
    )

    published = reviewer.submit(f"/es/translate/content/versions/{draft.id}/publish", page=url)
    assert published.status_code == 303
    catalog = text_of(client.get("/es/academy"))
    assert SPANISH["title"] in catalog and TITLE not in catalog
    assert SPANISH["title"] in text_of(client.get("/es/academy/reading-together"))
    assert SPANISH["title"] in text_of(client.get("/es/academy?q=leyendo"))
    assert SPANISH["title"] in text_of(client.get("/es/academy?q=READING"))  # English too
    assert TITLE not in text_of(client.get("/ko/academy?q=leyendo"))
    assert TITLE in text_of(client.get("/ko/academy"))  # no Korean: English
    listing = text_of(translator.get("/es/translate/content?state=published"))
    assert TITLE in listing and say("es", "Published and up to date") in listing
    with app.app_context():
        actions = _db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_id == f"{offering}/es")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["content.save_draft", "content.publish"]


def test_changing_the_english_asks_for_an_update_and_families_keep_the_translation(
    app, client, offering, team, say
):
    translator, reviewer, staff = team
    url = f"/es/translate/content/academy_offering/{offering}"
    assert reviewer.submit(url, {**SPANISH, "action": "publish"}).status_code == 303

    staff_page = f"/en/staff/academy/{offering}"
    changed = {**STAFF_FORM, "title": "Reading together, every day"}
    assert staff.submit(staff_page, changed).status_code == 302
    assert "Source changed, needs update" in text_of(staff.get(staff_page))

    listing = text_of(translator.get("/es/translate/content?state=needs_update"))
    assert "Reading together, every day" in listing
    assert say("es", "Source changed, needs update") in listing
    page = text_of(translator.get(url))
    notice = "The English text changed after this translation was written. Please update it."
    assert say("es", notice) in page
    assert re.search(r"<del>\s*Reading together at home\s*</del>", page)  # the English before
    assert SPANISH["title"] in page  # the translation to update

    assert SPANISH["title"] in text_of(client.get("/es/academy"))  # meanwhile, families
    assert "Reading together, every day" in text_of(client.get("/en/academy"))
    assert "Reading together, every day" in text_of(client.get("/ko/academy"))

    update = {"title": "Leyendo juntos, cada día", "description": SPANISH["description"]}
    assert reviewer.submit(url, {**update, "action": "publish"}).status_code == 303
    assert "Leyendo juntos, cada día" in text_of(client.get("/es/academy"))
    assert "Published and up to date" in text_of(staff.get(staff_page))


def test_saving_the_staff_form_unchanged_keeps_the_translations_current(app, offering, team):
    _, reviewer, staff = team
    url = f"/es/translate/content/academy_offering/{offering}"
    assert reviewer.submit(url, {**SPANISH, "action": "publish"}).status_code == 303
    staff_page = f"/en/staff/academy/{offering}"
    assert staff.submit(staff_page, {**STAFF_FORM, "capacity": "120"}).status_code == 302
    assert "Published and up to date" in text_of(staff.get(staff_page))
    with app.app_context():
        assert len(content.history(texts.ENTITY, offering, "en")) == 1


def test_a_video_transcript_is_translated_and_checked(app, client, team, say):
    translator, reviewer, _ = team
    video = make_offering(app, "bedtime", "Bedtime", kind="video", transcript="Lights out.")
    url = f"/es/translate/content/academy_offering/{video}"
    page = text_of(translator.get(url))
    assert 'name="transcript"' in page and "Lights out." in page
    bad = {"title": "Hora de dormir", "transcript": "Hola <script>alert(1)</script>"}
    refused = reviewer.submit(url, {**bad, "action": "publish"})
    assert refused.status_code == 422
    assert 'class="error-summary"' in refused.get_data(as_text=True)
    good = {"title": "Hora de dormir", "transcript": "Se apagan las luces."}
    assert reviewer.submit(url, {**good, "action": "publish"}).status_code == 303
    assert "Se apagan las luces." in text_of(client.get("/es/academy/bedtime"))


def test_the_workbench_refuses_bad_offering_texts(app, offering, team):
    translator, reviewer, _ = team
    url = f"/es/translate/content/academy_offering/{offering}"
    for data in ({"title": ""}, {"title": "x" * 10_000}, {"description": "x" * 10_000}):
        response = reviewer.submit(url, {**data, "action": "publish"})
        assert response.status_code == 422, data
    assert translator.get("/es/translate/content/academy_offering/999999").status_code == 404
    assert translator.get("/es/translate/content/academy_offering/abc").status_code == 404
    with app.app_context():
        assert content.latest(texts.ENTITY, offering, "es") is None


def test_cancelled_offerings_are_not_listed_to_translate(app, team):
    translator, _, _ = team
    make_offering(app, "gone", "A cancelled webinar", status="cancelled")
    make_offering(app, "planned", "A draft webinar", status="draft")
    listing = text_of(translator.get("/es/translate/content?kind=academy_offering"))
    assert "A cancelled webinar" not in listing and "A draft webinar" in listing


def test_only_the_languages_team_translates_offerings(client, login_as, offering):
    login_as(Role.TRANSLATOR, "ru")
    assert client.get(f"/es/translate/content/academy_offering/{offering}").status_code == 403
    assert client.get(f"/ru/translate/content/academy_offering/{offering}").status_code == 200
