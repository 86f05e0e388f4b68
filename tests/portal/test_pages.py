"""Every portal page as its users see it: unique element ids, no inline styles or scripts
(the Content-Security-Policy forbids them), and never stored by a cache."""

import re
from collections import Counter
from datetime import date

import pytest

from app.accounts.access import Role
from app.extensions import db as _db
from app.portal.models import LinkRequest
from tests.portal.conftest import SCHOOL_A, link


def check(html: str, path: str) -> None:
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert not [i for i, n in ids.items() if n > 1], (path, ids.most_common(3))
    assert not re.search(r"\sstyle=", html), path
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), path


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_family_pages(app, client, login_as, world, lang):
    user = login_as(Role.FAMILY)
    link(app, user.id, world.a1)
    for path in (
        "/portal",
        "/portal/link",
        "/portal/request",
        "/portal/request?q=jacaranda",
        f"/portal/request?school={SCHOOL_A}",
        f"/portal/children/{world.a1}/unlink",
    ):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        check(response.get_data(as_text=True), path)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_staff_pages(app, client, login_as, world, make_user, lang):
    parent = make_user("mai@example.test")
    link_id = link(app, parent.id, world.a1)
    with app.app_context():
        request = LinkRequest(
            user_id=parent.id,
            cds_code=SCHOOL_A,
            student_id=world.a1,
            student_first_name="Linh",
            student_last_name="Nguyen",
            birth_date=date(2016, 5, 1),
            requester_name="Mai Nguyen",
            relation="mother",
        )
        _db.session.add(request)
        _db.session.commit()
        request_id = request.id
    login_as(Role.ADMIN)
    for path in (
        "/staff/portal",
        "/staff/portal/district",
        f"/staff/portal/{SCHOOL_A}",
        f"/staff/portal/{SCHOOL_A}?show=all",
        f"/staff/portal/{SCHOOL_A}/students/{world.a1}",
        f"/staff/portal/{SCHOOL_A}/students/{world.a1}/links/{link_id}/end",
        f"/staff/portal/{SCHOOL_A}/requests/{request_id}",
    ):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path
        check(response.get_data(as_text=True), path)
    letters = client.submit(f"/{lang}/staff/portal/{SCHOOL_A}/letters", {}, page=f"/{lang}/")
    assert letters.headers["Cache-Control"] == "no-store"
    check(letters.get_data(as_text=True), "letters")
