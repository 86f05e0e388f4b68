"""Every form of the foundation answers malformed input with a translated 4xx, never a 500."""

import pytest

from app.accounts.access import Role

LONG = "x" * 10_000
# (page, fields) for each form a visitor or an administrator can send.
PUBLIC_FORMS = [
    ("/{lang}/account/sign-up", ["email", "password", "locale"]),
    ("/{lang}/account/sign-in", ["email", "password", "remember", "next"]),
    ("/{lang}/account/reset", ["email"]),
]


def payloads(fields):
    yield {}
    yield dict.fromkeys(fields, "")
    yield dict.fromkeys(fields, LONG)
    yield dict.fromkeys(fields, "\u202e\u0000😀 ")


@pytest.mark.parametrize(("page", "fields"), PUBLIC_FORMS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_public_forms_refuse_bad_input_with_a_message(client, page, fields, lang):
    url = page.format(lang=lang)
    for data in payloads(fields):
        response = client.submit(url, data)
        assert response.status_code == 422, (data, response.status_code)
        html = response.get_data(as_text=True)
        assert f'lang="{lang}"' in html and 'class="error-summary"' in html


@pytest.mark.parametrize(("page", "fields"), PUBLIC_FORMS)
def test_public_forms_refuse_a_wrong_csrf_token(client, page, fields):
    response = client.post(page.format(lang="es"), data={"csrf_token": "wrong"})
    assert response.status_code == 400
    assert 'lang="es"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", [p for p, _ in PUBLIC_FORMS] + ["/{lang}/account/"])
def test_invalid_utf8_in_the_query_string(client, page):
    assert client.get(page.format(lang="en") + "?next=%ff%c3%28&q=%80").status_code < 500


def test_email_and_password_reset_forms_refuse_bad_input(client, make_user, smtp, deliver):
    make_user("parent@example.test")
    client.submit("/en/account/reset", {"email": "parent@example.test"})
    deliver()
    link = smtp.link(smtp.last_to("parent@example.test"))
    for data in payloads(["password"]):
        assert client.submit(link, data).status_code == 422
    for data in payloads(["email"]):
        page = "/en/account/check-email"
        assert client.submit("/en/account/verify/resend", data, page=page).status_code == 422


def test_admin_forms_refuse_bad_input(client, login_as, make_user):
    login_as(Role.ADMIN)
    user = make_user("teacher@example.test", roles=[])
    for data in payloads(["role", "scope"]):
        assert client.submit(f"/en/staff/accounts/{user.id}", data).status_code == 422
    for query in ("?q=" + LONG, "?page=-5", "?page=abc", "?page=99999999999999999999"):
        assert client.get("/en/staff/accounts/" + query).status_code == 200
    assert client.get("/en/staff/audit/?action=" + LONG + "&page=x").status_code == 200


def test_account_preferences_refuse_bad_input(client, login_as):
    login_as(Role.FAMILY)
    for data in list(payloads(["locale"]))[1:]:  # an empty post keeps the current choice
        assert client.submit("/es/account/", data).status_code == 422


def test_account_language_for_emails_is_saved(client, login_as, app):
    user = login_as(Role.FAMILY)
    assert client.submit("/en/account/", {"locale": "vi"}).status_code == 302
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        assert db.session.get(User, user.id).locale == "vi"
