"""Administrators grant and revoke roles; others cannot."""

import pytest

from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.audit.models import AuditEvent
from app.extensions import db as _db


def grants_of(email):
    user = _db.session.scalar(_db.select(User).where(User.email == email))
    return {(grant.role, grant.scope) for grant in user.grants}


def test_admin_grants_a_scoped_role_and_it_is_audited(client, login_as, make_user, db):
    admin = login_as(Role.ADMIN)
    staff = make_user("teacher@example.test", roles=[])
    page = f"/en/staff/accounts/{staff.id}"
    response = client.submit(page, {"role": "school_staff", "scope": "19647330000001"})
    assert response.status_code == 302
    assert grants_of("teacher@example.test") == {("school_staff", "19647330000001")}
    event = _db.session.scalar(_db.select(AuditEvent).where(AuditEvent.action == "role.grant"))
    assert event.actor_id == admin.id
    assert event.after == {"role": "school_staff", "scope": "19647330000001"}


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        ("school_staff", "123", "Enter the school's 14-digit CDS code."),
        ("translator", "xx", "Enter one of these language codes"),
        ("admin", "es", "This role applies everywhere; leave this empty."),
        ("emperor", "", "Not a valid choice"),
    ],
)
def test_bad_grants_are_refused_with_a_message(client, login_as, make_user, role, scope, message):
    login_as(Role.ADMIN)
    staff = make_user("teacher@example.test", roles=[])
    response = client.submit(f"/en/staff/accounts/{staff.id}", {"role": role, "scope": scope})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_admin_revokes_a_role_and_it_is_audited(client, login_as, make_user, db):
    login_as(Role.ADMIN)
    user = make_user("translator@example.test", roles=[(Role.TRANSLATOR, "es")])
    grant_id = _db.session.scalar(_db.select(RoleGrant.id).where(RoleGrant.user_id == user.id))
    response = client.submit(
        f"/en/staff/accounts/{user.id}/grants/{grant_id}/revoke",
        page=f"/en/staff/accounts/{user.id}",
    )
    assert response.status_code == 302
    assert grants_of("translator@example.test") == set()
    assert _db.session.scalar(_db.select(AuditEvent).where(AuditEvent.action == "role.revoke"))


def test_the_last_administrator_cannot_be_removed(client, login_as, db):
    admin = login_as(Role.ADMIN)
    grant_id = _db.session.scalar(_db.select(RoleGrant.id).where(RoleGrant.user_id == admin.id))
    response = client.submit(
        f"/en/staff/accounts/{admin.id}/grants/{grant_id}/revoke", page="/en/staff/accounts/"
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "This is the last administrator" in page
    assert ("admin", "") in grants_of(admin.email)


def test_a_grant_id_from_another_account_is_not_found(client, login_as, make_user, db):
    login_as(Role.ADMIN)
    one = make_user("one@example.test")
    two = make_user("two@example.test")
    grant_of_two = _db.session.scalar(_db.select(RoleGrant.id).where(RoleGrant.user_id == two.id))
    response = client.submit(
        f"/en/staff/accounts/{one.id}/grants/{grant_of_two}/revoke", page="/en/staff/accounts/"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FAMILY, Role.SCHOOL_STAFF, Role.ENROLLMENT, Role.REVIEWER])
@pytest.mark.parametrize("path", ["/en/staff/accounts/", "/en/staff/audit/", "/en/staff/outbox/"])
def test_only_administrators_reach_admin_pages(client, login_as, role, path):
    login_as(role, scope="es" if role == Role.REVIEWER else "")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/en/staff/accounts/", "/en/staff/audit/", "/en/staff/outbox/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/en/account/sign-in?next=")


def test_admin_search_finds_accounts(client, login_as, make_user):
    login_as(Role.ADMIN)
    make_user("maria@example.test")
    make_user("jose@example.test")
    page = client.get("/en/staff/accounts/?q=MARIA").get_data(as_text=True)
    assert "maria@example.test" in page and "jose@example.test" not in page
    assert "1 account" in page
