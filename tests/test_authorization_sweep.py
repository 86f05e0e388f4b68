"""Every route × every kind of user, checked against the rule each view declares.

The rules come from the views themselves (``@public``, ``@signed_in``, ``@requires``), so a new
route is swept as soon as it exists. A route whose URL needs a value this file cannot provide
(see SAMPLES) fails the test until a sample is added: nothing goes unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.access import SCOPE_KIND, Access, Role
from app.accounts.models import RoleGrant, User
from app.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db as _db
from tests.conftest import sign_in

# Who visits: an account per role (demo accounts where ownership matters), and strangers.
VISITORS: dict[str, tuple[str | None, list[tuple[Role, str]] | None]] = {
    "anonymous": (None, None),
    "family": ("family@demo.test", None),
    "another_family": ("another.family@example.test", [(Role.FAMILY, "")]),
    "staff_of_this_school": ("staff@demo.test", None),
    "staff_of_another_school": ("elsewhere.staff@example.test", [(Role.SCHOOL_STAFF, "OTHER")]),
    "enrollment_office": ("enrollment@demo.test", None),
    "academy_staff": ("academy@demo.test", None),
    "translator_es": ("translator.es@demo.test", None),
    "translator_of_another_language": ("translator.ko@example.test", [(Role.TRANSLATOR, "ko")]),
    "reviewer_es": ("reviewer.es@demo.test", None),
    "admin": ("admin@demo.test", None),
}
SESSION_ENDING = {"accounts.sign_out"}


def _staff_school() -> str:
    staff = _db.session.scalar(select(User).where(User.email == "staff@demo.test"))
    return staff.scopes(Role.SCHOOL_STAFF)[0]


def _first(statement) -> Callable[[], object]:
    return lambda: _db.session.scalar(statement)


def _samples() -> dict[str, Callable[[], object]]:
    from app.content.models import ContentVersion
    from app.schools.models import Program

    return {
        "cds_code": _staff_school,
        "token": lambda: "not-a-real-token",
        "user_id": _first(select(User.id).where(User.email == "family@demo.test")),
        "grant_id": _first(
            select(RoleGrant.id)
            .join(User, RoleGrant.user_id == User.id)
            .where(User.email == "family@demo.test")
        ),
        "program_id": lambda: _db.session.scalar(
            select(Program.id).where(Program.cds_code == _staff_school())
        ),
        "version_id": lambda: _db.session.scalar(
            select(ContentVersion.id).where(ContentVersion.entity_id == _staff_school())
        ),
        "what": lambda: "restore",
        "locale": lambda: "es",
        **_feature_samples(),
    }


def _feature_samples() -> dict[str, Callable[[], object]]:
    """Samples for the features' own URL arguments, from their demo data."""
    from importlib.util import find_spec

    samples: dict[str, Callable[[], object]] = {}
    if find_spec("app.portal"):
        from app.portal.models import GuardianLink, LinkRequest, Student

        student = _first(select(Student.id).where(Student.district_id == "9100000002"))
        samples["student_id"] = student
        samples["link_id"] = lambda: _db.session.scalar(
            select(GuardianLink.id).where(GuardianLink.student_id == student())
        )
        samples["request_id"] = _first(
            select(LinkRequest.id).where(LinkRequest.cds_code == _staff_school())
        )
    if find_spec("app.academy"):
        from app.academy.models import AcademySession, Offering, Registration

        family = select(User.id).where(User.email == "family@demo.test").scalar_subquery()
        registration = _first(
            select(Registration.id).where(Registration.user_id == family).order_by(Registration.id)
        )
        offering = lambda: _db.session.scalar(  # noqa: E731
            select(Registration.offering_id).where(Registration.id == registration())
        )
        samples["registration_id"] = registration
        samples["offering_id"] = offering
        samples["slug"] = lambda: _db.session.scalar(
            select(Offering.slug).where(Offering.id == offering())
        )
        samples["session_id"] = lambda: _db.session.scalar(
            select(AcademySession.id).where(AcademySession.offering_id == offering()).limit(1)
        )
    if find_spec("app.enrollment"):
        from app.enrollment.demo import RESULTS_CLIENT
        from app.enrollment.models import Application, Choice, Claim, CycleProgram, Offer

        family = select(User.id).where(User.email == "family@demo.test").scalar_subquery()
        application = _first(
            select(Application.id).where(Application.user_id == family).order_by(Application.id)
        )
        samples["application_id"] = application
        samples["cycle_id"] = lambda: _db.session.scalar(
            select(Application.cycle_id).where(Application.id == application())
        )
        samples["choice_id"] = lambda: _db.session.scalar(
            select(Choice.id).where(Choice.application_id == application()).limit(1)
        )
        samples["claim_id"] = _first(select(Claim.id).order_by(Claim.id))
        samples["action"] = lambda: "up"
        samples["cycle_program_id"] = lambda: _db.session.scalar(
            select(CycleProgram.id).where(CycleProgram.cycle_id == samples["cycle_id"]()).limit(1)
        )
        # The demo's released round: its published run and the family's offer there.
        results = select(Application.id).where(Application.client_token == RESULTS_CLIENT)
        samples["offer_id"] = _first(
            select(Offer.id).where(Offer.application_id == results.scalar_subquery())
        )
        samples["run_id"] = _first(
            select(Offer.run_id).where(Offer.application_id == results.scalar_subquery())
        )
    if find_spec("app.translate"):
        from app.translate.models import GlossaryTerm, Message, Suggestion

        samples["message_id"] = _first(select(Message.id).order_by(Message.id))
        samples["suggestion_id"] = _first(select(Suggestion.id).order_by(Suggestion.id))
        samples["term_id"] = _first(select(GlossaryTerm.id).order_by(GlossaryTerm.id))
        samples["kind"] = lambda: "school_profile"
        samples["entity_id"] = _staff_school
    return samples


SAMPLES: dict[str, Callable[[], object]] = {}


def _url(app, rule) -> str | None:
    """The rule's URL with sample values (scope arguments that are not in the path go in the
    query string), or None when a value is missing."""
    access: Access = app.view_functions[rule.endpoint].access
    # Language-scoped views are visited in Spanish, so the scope is put to the test.
    values = {"lang_code": "es" if access.scope_arg == "lang_code" else "en"}
    for name in rule.arguments - {"lang_code"}:
        if name not in SAMPLES:
            return None
        values[name] = SAMPLES[name]()
    query = ""
    if access.scope_arg and access.scope_arg not in rule.arguments | {"lang_code"}:
        query = f"?{access.scope_arg}={SAMPLES[access.scope_arg]()}"
    return rule.build(values, append_unknown=False)[1] + query


def _allowed(access: Access, grants: list[RoleGrant] | None, url_values: dict) -> bool | None:
    """True if the visitor may use the view, False if not, None for "must sign in"."""
    if access.public:
        return True
    if grants is None:
        return None
    if not access.roles or any(g.role == Role.ADMIN for g in grants):
        return True
    wanted = url_values.get(access.scope_arg) if access.scope_arg else None
    if access.scope_arg == "lang_code" and wanted == "en":
        wanted = None  # the source language needs only the role
    return any(
        grant.role in access.roles
        and (grant.role not in SCOPE_KIND or wanted is None or grant.scope == wanted)
        for grant in grants
    )


def _visitor_client(app, name):
    email, roles = VISITORS[name]
    client = app.test_client()
    if email is None:
        return client, None
    with app.app_context():
        user = _db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, email_verified_at=_now())
            user.set_password(DEMO_PASSWORD)
            scope_other = _db.session.scalar(
                select(RoleGrant.scope).where(RoleGrant.role == Role.SCHOOL_STAFF)
            )
            for role, scope in roles:
                scope = _other_school(scope_other) if scope == "OTHER" else scope
                user.grants.append(RoleGrant(role=role, scope=scope))
            _db.session.add(user)
            _db.session.commit()
        grants = [RoleGrant(role=g.role, scope=g.scope) for g in user.grants]
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
    return client, grants


def _other_school(taken: str) -> str:
    from app.schools.models import School

    return _db.session.scalar(select(School.cds_code).where(School.cds_code != taken).limit(1))


def _now():
    from app.timeutil import utcnow

    return utcnow()


def _query_scope(url: str) -> dict:
    match = re.search(r"\?(\w+)=([^&]+)", url)
    return {match.group(1): match.group(2)} if match else {}


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_demo()
        _db.session.commit()
        SAMPLES.clear()
        # Computed once, before any visitor can change the data.
        SAMPLES.update({name: _constant(make()) for name, make in _samples().items()})


def _constant(value):
    assert value is not None, "a sample value is missing from the demo data"
    return lambda: value


def test_every_route_answers_every_visitor_as_its_rule_says(app, demo):
    # Visitors approve the demo's translation suggestions: that must not write the repository.
    repository_catalogs = _catalog_bytes(Path(__file__).resolve().parents[1] / "translations")
    problems = []
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    for visitor in VISITORS:
        client, grants = _visitor_client(app, visitor)
        token = client.csrf_token("/en/" if grants is not None else "/en/account/sign-in")
        for rule in rules:
            with app.app_context():
                url = _url(app, rule)
                if url is None:
                    problems.append(f"{rule.rule}: no sample value for {sorted(rule.arguments)}")
                    continue
                values = {name: str(SAMPLES[name]()) for name in rule.arguments - {"lang_code"}}
            values.update(_query_scope(url))
            values["lang_code"] = url.split("/")[1]
            access = app.view_functions[rule.endpoint].access
            expected = _allowed(access, grants, values)
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "POST" and rule.endpoint in SESSION_ENDING:
                    continue
                data = {"csrf_token": token} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                if (
                    expected is None
                    and method == "POST"
                    and response.status_code in (302, 303)
                    and "/account/sign-in" not in (response.location or "")
                ):
                    # A signed-out form may first be kept, then the visitor sent on to sign in.
                    response = client.get(response.location)
                problem = _check(expected, response, method, rule)
                if problem:
                    problems.append(f"{visitor} {method} {url}: {problem}")
    assert not problems, "\n".join(problems[:40])
    assert _catalog_bytes(Path(__file__).resolve().parents[1] / "translations") == (
        repository_catalogs
    )


def _catalog_bytes(root: Path) -> dict[str, bytes]:
    return {str(po): po.read_bytes() for po in sorted(root.glob("*/LC_MESSAGES/messages.po"))}


def _check(expected, response, method, rule) -> str | None:
    status = response.status_code
    signing_in = status in (302, 303) and "/account/sign-in" in (response.location or "")
    if status >= 500:
        return f"server error {status}"
    if expected is None:
        return None if signing_in else f"expected a sign-in redirect, got {status}"
    if expected is False:
        return None if status == 403 else f"expected 403, got {status}"
    if signing_in or status == 401:
        return f"expected access, got {status} {response.location}"
    object_args = rule.arguments - {"lang_code", "cds_code", "locale", "what"}
    if status == 403 and not object_args:
        return "expected access, got 403"
    return None
