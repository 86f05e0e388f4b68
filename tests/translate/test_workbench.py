"""The workbench through HTTP: who may use it, suggest and review, checks, glossary, files."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.accounts.access import Role
from app.extensions import db as _db
from app.translate import services
from app.translate.models import (
    ACCEPTED,
    APPROVED,
    PENDING,
    REJECTED,
    TRANSLATED,
    Message,
    MessageTranslation,
    Suggestion,
)
from tests.conftest import sign_in
from tests.translate.conftest import po_text

LONG = "x" * 10_000


@pytest.fixture
def team(app, make_user):
    """A Spanish translator and reviewer, each signed in on a client of their own."""

    def client_for(email, roles):
        make_user(email, roles=roles)
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    return {
        "translator": client_for("traductora@example.test", [(Role.TRANSLATOR, "es")]),
        "reviewer": client_for("revisor@example.test", [(Role.REVIEWER, "es")]),
    }


def errors(response) -> str:
    """Every field's error messages, as one text."""
    found = re.findall(r'class="field__error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    return unescape(" ".join(found))


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- access ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, synced):
    response = client.get("/es/translate")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "scope", "url", "status"),
    [
        (Role.FAMILY, "", "/es/translate", 403),
        (Role.SCHOOL_STAFF, "19647330000001", "/es/translate", 403),
        (Role.TRANSLATOR, "ru", "/es/translate", 403),
        (Role.TRANSLATOR, "ru", "/es/translate/glossary", 403),
        (Role.TRANSLATOR, "ru", "/es/translate/export", 403),
        (Role.TRANSLATOR, "ru", "/es/translate/content", 403),
        (Role.REVIEWER, "ar", "/es/translate/import", 403),
        (Role.TRANSLATOR, "ru", "/ru/translate", 200),
        (Role.TRANSLATOR, "ru", "/en/translate", 200),  # every language's progress
        (Role.TRANSLATOR, "ru", "/en/translate/glossary", 404),  # English is the source
        (Role.TRANSLATOR, "tl", "/tl/translate", 200),
        (Role.ADMIN, "", "/ar/translate", 200),
        (Role.ADMIN, "", "/zh_Hant/translate/languages", 200),
    ],
)
def test_who_may_use_the_workbench(client, login_as, synced, role, scope, url, status):
    login_as(role, scope)
    assert client.get(url).status_code == status


def test_translators_cannot_review_or_edit_the_glossary(team, synced, message_id):
    translator = team["translator"]
    url = f"/es/translate/messages/{message_id('Home')}"
    assert translator.submit(url, {"action": "suggest", "text0": "Portada"}).status_code == 303
    with translator.application.app_context():
        suggestion = _db.session.scalar(select(Suggestion))
    review = f"/es/translate/suggestions/{suggestion.id}"
    assert translator.submit(review, {"decision": "approve"}, page=url).status_code == 403
    glossary = {"kind": "keep", "term": "LAUSD"}
    assert (
        translator.submit(
            "/es/translate/glossary/terms", glossary, page="/es/translate/glossary"
        ).status_code
        == 403
    )
    # Asking to approve directly only makes a suggestion.
    translator.submit(url, {"action": "approve", "text0": "Portada"})
    with translator.application.app_context():
        assert (
            _db.session.scalar(
                select(MessageTranslation).where(
                    MessageTranslation.locale == "es", MessageTranslation.status == APPROVED
                )
            )
            is None
        )


# --- suggest and review ---------------------------------------------------------------------------


def test_a_suggestion_goes_live_when_a_reviewer_approves_it(
    app, team, synced, message_id, live_text, temporary_catalogs, shipped
):
    translator, reviewer = team["translator"], team["reviewer"]
    url = f"/es/translate/messages/{message_id('Find a school')}"
    response = translator.submit(
        url,
        {
            "action": "suggest",
            "text0": "Busque su escuela ahora",
            "note": "Usted, como en las cartas",
        },
    )
    assert response.status_code == 303
    before = shipped("es", "Find a school")
    assert before in translator.get("/es/").get_data(as_text=True)  # not yet live

    page = reviewer.get(url).get_data(as_text=True)
    assert "Busque su escuela ahora" in page and "Usted, como en las cartas" in page
    with app.app_context():
        suggestion = _db.session.scalar(select(Suggestion))
    response = reviewer.submit(
        f"/es/translate/suggestions/{suggestion.id}",
        {"decision": "approve", f"s{suggestion.id}-comment": "Bien"},
        page=url,
    )
    assert response.status_code == 303
    home = translator.get("/es/").get_data(as_text=True)
    assert "Busque su escuela ahora" in home and f">{before}<" not in home
    assert live_text("Find a school", "es") == (["Busque su escuela ahora"], APPROVED)
    assert 'msgid "Find a school"\nmsgstr "Busque su escuela ahora"' in po_text(
        temporary_catalogs, "es"
    )
    history = reviewer.get(url).get_data(as_text=True)
    assert "traductora@example.test" in history and "revisor@example.test" in history
    with app.app_context():
        assert _db.session.get(Suggestion, suggestion.id).status == ACCEPTED


def test_a_rejection_needs_a_comment_that_the_translator_then_reads(team, synced, message_id, say):
    translator, reviewer = team["translator"], team["reviewer"]
    url = f"/es/translate/messages/{message_id('Home')}"
    translator.submit(url, {"action": "suggest", "text0": "Casa"})
    with translator.application.app_context():
        suggestion = _db.session.scalar(select(Suggestion))
    review = f"/es/translate/suggestions/{suggestion.id}"
    response = reviewer.submit(review, {"decision": "reject"}, page=url)
    assert response.status_code == 422
    assert say("es", "Tell the translator why, so that they can improve it.") in errors(response)
    comment = {f"s{suggestion.id}-comment": "«Inicio» es lo habitual en la web."}
    response = reviewer.submit(review, {"decision": "reject", **comment}, page=url)
    assert response.status_code == 303
    page = translator.get(url).get_data(as_text=True)
    assert "«Inicio» es lo habitual en la web." in page
    with translator.application.app_context():
        assert _db.session.get(Suggestion, suggestion.id).status == REJECTED
    # Reviewing it again is refused politely.
    again = reviewer.submit(review, {"decision": "approve"}, page=url)
    assert again.status_code == 303


def test_reviewers_approve_their_own_edits_and_translators_may_publish_when_allowed(
    app, team, synced, message_id, live_text, monkeypatch
):
    url = f"/es/translate/messages/{message_id('Home')}"
    assert (
        team["reviewer"].submit(url, {"action": "approve", "text0": "Portada"}).status_code == 303
    )
    assert live_text("Home", "es") == (["Portada"], APPROVED)
    monkeypatch.setitem(app.config, "TRANSLATORS_MAY_PUBLISH", True)
    assert 'value="publish"' in team["translator"].get(url).get_data(as_text=True)
    response = team["translator"].submit(url, {"action": "publish", "text0": "Página de inicio"})
    assert response.status_code == 303
    assert live_text("Home", "es") == (["Página de inicio"], TRANSLATED)


def test_a_plural_message_has_the_language_s_forms(login_as, client, synced, message_id, say):
    login_as(Role.TRANSLATOR, "ru")
    url = f"/ru/translate/messages/{message_id('%(num)d school found')}"
    page = text_of(client.get(url))
    assert [f'id="text{i}"' in page for i in range(4)] == [True, True, True, False]
    form = "Form %(number)d: %(categories)s"
    for number, names in ((1, "one"), (2, "few"), (3, "many / other")):
        assert say("ru", form, number=number, categories=names) in page
    assert say("ru", "Used for %(examples)s…", examples="2, 3, 4, 22") in page
    response = client.submit(
        url,
        {
            "action": "preview",
            "text0": "Найдена %(num)d школа",
            "text1": "Найдено %(num)d школы",
            "text2": "Найдено %(num)d школ",
        },
    )
    assert response.status_code == 200
    assert "<mark>22</mark>" not in response.get_data(as_text=True)
    assert "Найдено <mark>2</mark> школы" in response.get_data(as_text=True)


# --- checks ---------------------------------------------------------------------------------------


UNSAFE = "Scripts, event handlers (on…=) and javascript: links are not allowed."


@pytest.mark.parametrize(
    ("text", "message", "variables"),
    [
        (
            "a millas",
            "The placeholder %(names)s is missing. Copy it exactly as in the source.",
            {"names": "%(miles)s"},
        ),
        ("a %(miles)s millas<script>alert(1)</script>", UNSAFE, {}),
        ('a <b onmouseover="x()">%(miles)s</b> millas', UNSAFE, {}),
        (
            "a %(millas)s millas",
            "%(names)s is not in the source; keep placeholders exactly as they are.",
            {"names": "%(millas)s"},
        ),
    ],
)
def test_a_translation_that_fails_a_check_is_refused_and_kept(
    team, synced, message_id, say, text, message, variables
):
    url = f"/es/translate/messages/{message_id('%(miles)s miles away')}"
    message = say("es", message, **variables)
    for client, action in ((team["translator"], "suggest"), (team["reviewer"], "approve")):
        response = client.submit(url, {"action": action, "text0": text})
        assert response.status_code == 422
        assert message in errors(response)
        html = response.get_data(as_text=True)
        assert 'class="error-summary"' in html
        assert str(escape(text)) + "</textarea>" in html  # what was typed is still there
    with team["reviewer"].application.app_context():
        assert _db.session.scalar(select(Suggestion)) is None


def test_warnings_are_shown_but_do_not_stop_a_suggestion(team, synced, message_id, app, say):
    with app.app_context():
        services.add_term("es", "keep", "LAUSD", "", "", None)
        _db.session.commit()
    url = f"/es/translate/messages/{message_id('LAUSD Families')}"
    page = text_of(team["translator"].get(url))
    assert say("es", "Keep “%(term)s” in English.", term="LAUSD") in page
    check = team["translator"].submit(url + "/check", {"text0": "Familias del distrito"}, page=url)
    assert check.status_code == 200
    warning = say("es", "Glossary: keep “%(term)s” in English, exactly as written.", term="LAUSD")
    assert warning in text_of(check)
    response = team["translator"].submit(
        url, {"action": "suggest", "text0": "Familias del distrito"}
    )
    assert response.status_code == 303


def test_the_live_check_previews_with_sample_values(team, synced, message_id, say):
    url = f"/es/translate/messages/{message_id('Page %(number)d of %(pages)d')}"
    response = team["translator"].submit(
        url + "/check",
        {"text0": "Página %(number)d de %(pages)d"},
        page=url,
        headers={"HX-Request": "true"},
    )
    html = text_of(response)
    assert "<html" not in html
    assert "Página <mark>3</mark> de <mark>3</mark>" in html
    assert say("es", "No problems found.") in html


def test_ten_thousand_characters_are_refused_with_a_message(team, synced, message_id, app):
    url = f"/es/translate/messages/{message_id('Home')}"
    response = team["reviewer"].submit(url, {"action": "approve", "text0": LONG, "note": LONG})
    assert response.status_code == 422
    assert "2000" in errors(response) and "1000" in errors(response)  # in Spanish: the page's
    assert LONG in response.get_data(as_text=True)  # nothing typed is lost
    response = team["reviewer"].submit(
        "/es/translate/glossary/terms",
        {"kind": "required", "term": LONG, "translation": LONG, "note": LONG},
        page="/es/translate/glossary",
    )
    assert response.status_code == 422
    assert "100" in errors(response)
    with app.app_context():
        message = _db.session.get(Message, message_id("Home"))
        suggestion = services.suggest(message, "es", ["Casa"], None)
        _db.session.commit()
        review = f"/es/translate/suggestions/{suggestion.id}"
    response = team["reviewer"].submit(
        review, {"decision": "reject", f"s{suggestion.id}-comment": LONG}, page=url
    )
    assert response.status_code == 422
    assert team["reviewer"].get("/es/translate?q=" + LONG + "&status=" + LONG).status_code == 200
    assert team["reviewer"].get("/es/translate?page=-4").status_code == 200


def test_forms_without_a_csrf_token_are_refused(team, synced, message_id):
    url = f"/es/translate/messages/{message_id('Home')}"
    response = team["reviewer"].post(url, data={"action": "approve", "text0": "Portada"})
    assert response.status_code == 400


def test_empty_forms_are_refused_with_a_message(team, synced, message_id, say):
    url = f"/es/translate/messages/{message_id('%(num)d school found')}"
    response = team["translator"].submit(url, {"action": "suggest"})
    assert response.status_code == 422
    assert errors(response).count(say("es", "Write the translation.")) == 2


# --- the list -------------------------------------------------------------------------------------


def test_filters_and_search(app, team, synced, message_id):
    with app.app_context():
        home = _db.session.get(Message, message_id("Home"))
        services.set_live(home, "es", ["Portada"], None, reviewed=True)
        services.suggest(
            _db.session.get(Message, message_id("Find a school")),
            "es",
            ["Busque su escuela ahora"],
            None,
        )
        _db.session.delete(
            services.translation_of(_db.session.get(Message, message_id("Sign in")), "es")
        )
        long = _db.session.get(Message, message_id("Your account"))
        services.set_live(
            long,
            "es",
            ["Su cuenta personal en el portal para familias del distrito"],
            None,
            reviewed=False,
        )
        _db.session.commit()

    def listed(query):
        html = team["translator"].get("/es/translate?" + query).get_data(as_text=True)
        return set(re.findall(r'<span lang="en" dir="ltr">([^<]+)</span></a>', html))

    approved = listed("status=approved")
    assert "Home" in approved and "Find a school" not in approved
    assert listed("status=review") == {"Find a school"}
    untranslated = listed("status=untranslated&q=sign")
    assert "Sign in" in untranslated and "Home" not in listed("status=untranslated&q=home")
    assert "Your account" in listed("status=failing&q=account")  # much longer than the English
    assert "Home" not in listed("status=failing&q=home")
    assert "Home" in listed("status=translated&q=home")
    assert "Home" in listed("q=portada")  # and "Importada" (Imported) contains it too
    assert "Find a school" in listed("q=FIND+A+SCHOOL")
    fragment = team["translator"].get(
        "/es/translate?status=approved", headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.get_data(as_text=True)
    assert (
        fragment.headers["Vary"] == "HX-Request, Cookie" or "HX-Request" in fragment.headers["Vary"]
    )


def test_progress_of_every_language(team, synced):
    html = team["translator"].get("/es/translate/languages").get_data(as_text=True)
    for name in ("Español", "Русский", "العربية", "Tagalog"):
        assert name in html
    assert 'href="/es/translate"' in html and 'href="/ru/translate"' not in html


# --- glossary -------------------------------------------------------------------------------------


def test_reviewers_keep_the_glossary(team, synced, app, say):
    reviewer = team["reviewer"]
    for entry in (
        {"kind": "keep", "term": "LAUSD"},
        {"kind": "required", "term": "magnet", "translation": "magnet"},
        {"kind": "forbidden", "term": "magnet", "translation": "imán", "note": "Es un objeto."},
    ):
        assert (
            reviewer.submit(
                "/es/translate/glossary/terms", entry, page="/es/translate/glossary"
            ).status_code
            == 303
        )
    response = reviewer.submit(
        "/es/translate/glossary/terms",
        {"kind": "required", "term": "magnet"},
        page="/es/translate/glossary",
    )
    assert response.status_code == 422
    assert say("es", "Enter the word in this language.") in errors(response)
    page = team["translator"].get("/es/translate/glossary").get_data(as_text=True)
    assert "LAUSD" in page and "imán" in page and "Es un objeto." in page
    assert 'action="/es/translate/glossary"' not in page
    with app.app_context():
        term = services.glossary("es")[0]
    assert (
        reviewer.submit(
            f"/es/translate/glossary/{term.id}/delete", {}, page="/es/translate/glossary"
        ).status_code
        == 303
    )
    with app.app_context():
        assert len(services.glossary("es")) == 2


# --- import and export ----------------------------------------------------------------------------


def upload(client, data: bytes, name="messages-es.po"):
    token = client.csrf_token("/es/translate/import")
    return client.post(
        "/es/translate/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_export_then_import_as_suggestions_or_approved(team, synced, live_text, app, say, shipped):
    exported = team["translator"].get("/es/translate/export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    home = f'msgid "Home"\nmsgstr "{shipped("es", "Home")}"'
    miles = f'msgid "%(miles)s miles away"\nmsgstr "{shipped("es", "%(miles)s miles away")}"'
    assert home in text and miles in text
    edited = (
        text.replace(home, 'msgid "Home"\nmsgstr "Portada"')
        .replace(miles, 'msgid "%(miles)s miles away"\nmsgstr "a millas"')
        .encode()
    )
    response = upload(team["translator"], edited)
    assert response.status_code == 200
    html = text_of(response)
    saved = say("es", "%(num)d suggestion saved", "%(num)d suggestions saved", 1)
    refused = say(
        "es",
        "%(num)d translation refused by the checks",
        "%(num)d translations refused by the checks",
        1,
    )
    assert saved in html and refused in html
    assert live_text("Home", "es")[0] == [shipped("es", "Home")]
    with app.app_context():
        assert _db.session.scalar(select(Suggestion.status)) == PENDING
    response = upload(team["reviewer"], edited)
    approved = say("es", "%(num)d translation approved", "%(num)d translations approved", 1)
    assert approved in text_of(response)
    assert live_text("Home", "es") == (["Portada"], APPROVED)
    assert "Portada" in team["reviewer"].get("/es/").get_data(as_text=True)


def test_an_upload_that_is_not_a_catalog_is_refused(team, synced, say):
    wrong_language = b'msgid ""\nmsgstr "Language: ru\\n"\n\nmsgid "Home"\nmsgstr "x"\n'
    for data, name, message, variables in (
        (b"\xff\xfe\x00garbage", "messages.po", "This file is not a .po catalog we can read.", {}),
        (
            b'msgid "Home"\nmsgstr "x"\n',
            "messages.txt",
            "Choose a file whose name ends in .po.",
            {},
        ),
        (wrong_language, "ru.po", "This file is for another language (%(code)s).", {"code": "ru"}),
    ):
        response = upload(team["translator"], data, name)
        assert response.status_code == 422, name
        assert say("es", message, **variables) in errors(response)
    token = team["translator"].csrf_token("/es/translate/import")
    empty = team["translator"].post("/es/translate/import", data={"csrf_token": token})
    assert empty.status_code == 422 and say("es", "Choose a .po file.") in errors(empty)


def test_an_upload_is_bounded_in_size(team, synced):
    response = upload(team["translator"], b"#" * (3 * 1024 * 1024))
    assert response.status_code == 413
