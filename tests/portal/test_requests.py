"""Linking without a code: the family asks, school staff verify and decide, the family is told
in its language."""

from sqlalchemy import select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.portal.models import GuardianLink, LinkRequest
from tests.portal.conftest import SCHOOL_A

DETAILS = {
    "first_name": "Linh",
    "last_name": "Nguyen",
    "birth_date": "2016-05-01",
    "student_id": "",
    "requester_name": "Mai Nguyen",
    "relation": "mother",
    "phone": "213-555-0199",
    "message": "Tôi là mẹ của Linh.",
}


def ask(client, data=None, cds=SCHOOL_A, lang="en"):
    return client.submit(f"/{lang}/portal/request?school={cds}", {**DETAILS, **(data or {})})


def mail_to(address, template):
    return _db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == address, OutboxMessage.template == template
        )
    )


def test_the_family_first_finds_the_school(client, login_as, world):
    login_as(Role.FAMILY)
    page = client.get("/en/portal/request?q=jacaranda").get_data(as_text=True)
    assert f"school={SCHOOL_A}" in page and "Jacaranda Elementary" in page
    assert "Sycamore" not in page
    fragment = client.get("/en/portal/request?q=sycamore", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="results"')
    assert client.get("/en/portal/request?school=12345").status_code == 200  # back to the search


def test_a_request_reaches_the_schools_staff_who_approve_it(
    app, client, client_for, make_user, world
):
    staff = client_for("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)], locale="es")
    parent = client_for("mai@example.test", locale="vi")
    response = ask(parent)
    assert response.status_code == 302 and response.location.endswith("/en/portal")
    with app.app_context():
        request = _db.session.scalar(select(LinkRequest))
        # Name and birth date matched the student; the family is not told that.
        assert request.student_id == world.a1 and request.status == "pending"
        assert mail_to("staff.a@example.test", "portal_request_new").locale == "es"
    assert "Waiting for the school" in parent.get("/en/portal").get_data(as_text=True)

    review = f"/en/staff/portal/{SCHOOL_A}/requests/{request.id}"
    page = staff.get(review).get_data(as_text=True)
    assert "Mai Nguyen" in page and "Tôi là mẹ của Linh." in page
    assert "Tuan Nguyen" not in page  # restricted: not offered
    # Approving without checking who the person is: refused with a message.
    data = {"approve-student": str(world.a1), "approve-contact": str(world.a1_mother)}
    refused = staff.submit(review + "/approve", data, page=review)
    assert refused.status_code == 422
    assert "Check who the person is before you approve." in refused.get_data(as_text=True)
    done = staff.submit(review + "/approve", {**data, "approve-verified": "y"}, page=review)
    assert done.status_code == 302
    with app.app_context():
        link = _db.session.scalar(select(GuardianLink))
        assert (link.user_id, link.student_id, link.contact_id) == (
            parent.user.id,
            world.a1,
            world.a1_mother,
        )
        assert link.method == "request" and link.approved_by_id == staff.user.id
        mail = mail_to("mai@example.test", "portal_request_approved")
        assert mail.locale == "vi"
        assert _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "portal.request_approved")
        )
    assert "Linh Nguyen" in parent.get("/en/portal").get_data(as_text=True)
    # Deciding twice changes nothing.
    again = staff.submit(review + "/deny", {"deny-reason": "not_verified"}, page=review)
    assert again.status_code == 302
    with app.app_context():
        assert _db.session.scalar(select(LinkRequest.status)) == "approved"


def test_staff_choose_the_right_student_when_the_details_do_not_match(app, client_for, world):
    staff = client_for("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    parent = client_for("mai@example.test")
    ask(parent, {"last_name": "Nguyenn"})  # a typo
    with app.app_context():
        request = _db.session.scalar(select(LinkRequest))
        assert request.student_id is None
    review = f"/en/staff/portal/{SCHOOL_A}/requests/{request.id}"
    page = staff.get(review).get_data(as_text=True)
    assert "do not match a student at this school exactly" in page
    assert "Choose Linh Nguyen (1000000001)" in page  # born the same day
    page = staff.get(review + "?student=1000000001").get_data(as_text=True)
    assert "Approve and link" in page
    page = staff.get(review + "?student=2000000001").get_data(as_text=True)
    assert "No student with that ID at this school." in page  # school B's student
    data = {
        "approve-student": str(world.a1),
        "approve-contact": str(world.a1_mother),
        "approve-verified": "y",
    }
    assert staff.submit(review + "/approve", data, page=review).status_code == 302


def test_staff_decline_with_a_reason_the_family_reads_in_its_language(app, client_for, world):
    staff = client_for("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    parent = client_for("stranger@example.test", locale="es")
    ask(parent)
    with app.app_context():
        request_id = _db.session.scalar(select(LinkRequest.id))
    review = f"/en/staff/portal/{SCHOOL_A}/requests/{request_id}"
    missing = staff.submit(review + "/deny", {"deny-reason": "other", "deny-note": ""}, page=review)
    assert missing.status_code == 422
    assert "Explain the reason in a note." in missing.get_data(as_text=True)
    note = "Venga a la oficina con una identificación, por favor."
    response = staff.submit(
        review + "/deny", {"deny-reason": "not_on_card", "deny-note": note}, page=review
    )
    assert response.status_code == 302
    with app.app_context():
        mail = mail_to("stranger@example.test", "portal_request_denied")
        assert mail.locale == "es" and note in mail.body
        assert _db.session.scalar(select(GuardianLink.id)) is None
    page = parent.get("/en/portal").get_data(as_text=True)
    assert "Declined on" in page and note in page


def test_the_answer_never_says_whether_the_student_exists(app, client_for, world):
    parent = client_for("mai@example.test")
    matched = ask(parent)
    unknown = ask(parent, {"first_name": "Nobody", "birth_date": "2015-01-01"})
    assert matched.status_code == unknown.status_code == 302
    assert matched.location == unknown.location


def test_the_same_child_twice_and_too_many_requests_are_refused(app, client_for, world):
    parent = client_for("mai@example.test")
    assert ask(parent).status_code == 302
    again = ask(parent)
    assert again.status_code == 422
    assert "You already asked this school about this child." in again.get_data(as_text=True)
    for day in range(2, 6):
        assert (
            ask(parent, {"first_name": f"Child{day}", "birth_date": f"2016-05-0{day}"}).status_code
            == 302
        )
    refused = ask(parent, {"first_name": "Child9", "birth_date": "2016-05-09"})
    assert refused.status_code == 422
    assert "You have several requests waiting." in refused.get_data(as_text=True)


def test_a_family_unlinks_a_child(app, client_for, world):
    from tests.portal.conftest import link

    parent = client_for("mai@example.test")
    link(app, parent.user.id, world.a1)
    page = parent.get(f"/en/portal/children/{world.a1}/unlink").get_data(as_text=True)
    assert "Remove Linh from your account?" in page
    response = parent.submit(f"/en/portal/children/{world.a1}/unlink")
    assert response.status_code == 302
    assert "Linh Nguyen" not in parent.get("/en/portal").get_data(as_text=True)
    with app.app_context():
        link_row = _db.session.scalar(select(GuardianLink))
        assert link_row.ended_at is not None and link_row.end_reason == "parent"
        assert _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "portal.link_ended")
        )


def test_staff_end_a_link_and_the_family_is_told(app, client_for, world):
    from tests.portal.conftest import link

    staff = client_for("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    parent = client_for("mai@example.test", locale="ar")
    link_id = link(app, parent.user.id, world.a1)
    path = f"/en/staff/portal/{SCHOOL_A}/students/{world.a1}/links/{link_id}/end"
    assert "mai@example.test" in staff.get(path).get_data(as_text=True)
    assert staff.submit(path, {"reason": ""}).status_code == 422
    assert staff.submit(path, {"reason": "court_order"}).status_code == 302
    with app.app_context():
        mail = mail_to("mai@example.test", "portal_link_ended")
        assert mail.locale == "ar"
        event = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "portal.link_ended")
        )
        assert event.actor_id == staff.user.id and event.after == {"reason": "court_order"}
    assert "Linh Nguyen" not in parent.get("/en/portal").get_data(as_text=True)
    assert staff.get(path).status_code == 404  # ended already
