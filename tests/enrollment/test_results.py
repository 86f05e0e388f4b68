"""Selection in the app: dry runs, comparing and publishing, offers, answers and waitlists."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.enrollment import results
from app.enrollment.models import (
    Application,
    Claim,
    Offer,
    SelectionRun,
    WaitlistPlace,
)
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.conftest import sign_in
from tests.enrollment.factories import (
    family,
    move_cycle,
    selection_families,
    selection_world,
)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(app):
    return selection_world(app)


@pytest.fixture
def families(app, make_user, world):
    return selection_families(app, make_user, world)


@pytest.fixture
def office(login_as):
    return login_as(Role.ENROLLMENT)


def dry_run(client, world) -> int:
    response = client.submit(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection")
    assert response.status_code == 302, text(response)
    return int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))


def publish(client, run_id):
    return client.submit(f"/en/staff/enrollment/runs/{run_id}/publish")


def published(app, client, world, release=True) -> int:
    move_cycle(app, world.cycle_id, on_time=-3, late=-2, results=-1 if release else 1)
    run_id = dry_run(client, world)
    assert publish(client, run_id).status_code == 302
    return run_id


def offers(app, application_id) -> list[tuple[str, int, str]]:
    """(program name, choice rank, status) of an application's offers, oldest first."""
    with app.app_context():
        rows = _db.session.scalars(
            select(Offer).where(Offer.application_id == application_id).order_by(Offer.id)
        )
        return [(r.cycle_program.program.program_type, r.choice.rank, r.status) for r in rows]


def actions(app) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def as_family(client, who):
    """Sign the office out of ``client`` and the family ``who`` in."""
    client.submit("/en/account/sign-out", page="/en/")
    assert sign_in(client, who[0].email).status_code == 302


# --- the office ---------------------------------------------------------------------------------


def test_a_dry_run_shows_outcomes_by_grade_and_language_and_changes_nothing(
    app, client, world, families, office
):
    run_id = dry_run(client, world)
    page = text(client.get(f"/en/staff/enrollment/runs/{run_id}"))
    assert "Dry run: families see nothing of it" in page
    assert "Passed: No applicant is passed over for someone of lower priority" in page
    # Three applicants, all offered something but Chen: first choice 1 of 3, any offer 2 of 3.
    cells = r"<td>3</td><td>33%</td>\s*<td>67%</td><td>67%</td><td>33%</td>"
    assert re.search(r'<th scope="row">All applicants</th>' + cells, page)
    assert re.search(r'<th scope="row">Kindergarten</th>' + cells, page)
    assert "Kindergarten" in page and "Spanish" in page and "Chinese" in page
    with app.app_context():
        assert _db.session.scalar(select(Offer.id)) is None
        assert _db.session.get(Application, families["ana"][1]).lottery_number is None
    assert "enrollment.dry_run" in actions(app)


def test_two_dry_runs_compare_side_by_side(app, client, world, families, office):
    first, second = dry_run(client, world), dry_run(client, world)
    listing = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection"))
    assert f"Run {first}" in listing and f"Run {second}" in listing and "Compare" in listing
    page = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection/compare"
                           f"?first={first}&second={second}"))
    assert "only the lottery differs" in page
    assert re.search(r"[01] applicants? (has|have) a different offer", page)
    refused = client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection/compare"
                         f"?first={first}&second={first}")
    assert refused.status_code == 422
    assert "Choose two different runs of this cycle to compare." in text(refused)


def test_publishing_is_refused_while_applications_are_open_or_after_they_change(
    app, client, world, families, office, make_user
):
    run_id = dry_run(client, world)
    response = publish(client, run_id)
    assert response.status_code == 409
    assert "Publish after the late window closes." in text(response)
    move_cycle(app, world.cycle_id, on_time=-3, late=-2, results=1)
    family(app, make_user, world, "late@example.test", "en", ["magnet"])
    response = publish(client, run_id)
    assert response.status_code == 409 and "changed after this run" in text(response)
    with app.app_context():
        assert _db.session.scalar(select(Offer.id)) is None


def test_a_run_that_failed_a_check_cannot_be_published(app, client, world, families, office):
    move_cycle(app, world.cycle_id, on_time=-3, late=-2, results=1)
    run_id = dry_run(client, world)
    with app.app_context():
        run = _db.session.get(SelectionRun, run_id)
        run.passed = False
        _db.session.commit()
    assert "cannot be published" in text(client.get(f"/en/staff/enrollment/runs/{run_id}"))
    response = publish(client, run_id)
    assert response.status_code == 409 and "failed a check" in text(response)


def test_publishing_writes_offers_waitlists_lottery_numbers_and_letters_for_release_day(
    app, client, world, families, office, smtp, deliver
):
    run_id = published(app, client, world, release=False)
    ana, badr, chen = (families[n][1] for n in ("ana", "badr", "chen"))
    assert offers(app, ana) == [("magnet", 1, "offered")]
    assert offers(app, badr) == [("dual_language", 2, "offered")]
    assert offers(app, chen) == []
    with app.app_context():
        waiting = _db.session.scalars(select(WaitlistPlace).order_by(WaitlistPlace.lottery_number))
        assert {p.application_id for p in waiting} == {badr, chen}
        assert all(a.lottery_number is not None for a in _db.session.scalars(select(Application)))
        run = _db.session.get(SelectionRun, run_id)
        assert run.published_at is not None
    events = actions(app)
    assert events.count("enrollment.offer") == 2 and events.count("enrollment.waitlisted") == 2
    assert "enrollment.publish" in events
    # The letters wait for release day.
    deliver()
    assert smtp.messages == []
    # A second run cannot be started or published once one is published.
    again = client.submit(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection")
    assert again.status_code == 409


def test_families_see_nothing_before_release_day(app, client, world, families, office):
    published(app, client, world, release=False)
    as_family(client, families["ana"])
    page = text(client.get(f"/es/apply/{families['ana'][1]}"))
    assert "Cupo ofrecido" not in page and "Resultados" in page
    assert client.get(f"/es/apply/{families['ana'][1]}/letter").status_code == 404


def test_letters_go_out_in_each_familys_language(
    app, client, world, families, office, smtp, deliver
):
    published(app, client, world)
    deliver()
    spanish = smtp.body(smtp.last_to("ana@example.test"))
    assert "Cupo ofrecido" in spanish and "prioridad por hermanos" in spanish
    arabic = smtp.body(smtp.last_to("badr@example.test"))
    assert "قائمة الانتظار" in arabic
    english = smtp.body(smtp.last_to("chen@example.test"))
    assert "We could not offer a seat in any of the programs you chose." in english
    assert "number 1 on the waitlist" in english or "number 2 on the waitlist" in english


def test_a_family_sees_its_offer_why_and_deadline_in_spanish(app, client, world, families,
                                                             office):
    published(app, client, world)
    as_family(client, families["ana"])
    page = text(client.get(f"/es/apply/{families['ana'][1]}"))
    assert "Aceptar este cupo" in page and "Rechazar este cupo" in page
    assert "prioridad por hermanos" in page  # why: a sibling priority
    assert "(hora de Los Ángeles)" in page  # the deadline, in the district's time zone
    letter = text(client.get(f"/es/apply/{families['ana'][1]}/letter"))
    assert "Número del sorteo" in letter


def test_declining_offers_the_seat_to_the_next_family_with_an_email_and_a_new_deadline(
    app, client, world, families, office, smtp, deliver
):
    published(app, client, world)
    deliver()
    smtp.messages.clear()
    as_family(client, families["ana"])
    ana = families["ana"][1]
    with app.app_context():
        offer_id = _db.session.scalar(select(Offer.id).where(Offer.application_id == ana))
        first_waiting = _db.session.scalars(
            select(WaitlistPlace).order_by(WaitlistPlace.lottery_number)
        ).first().application_id
    confirm = client.get(f"/es/apply/{ana}/offers/{offer_id}/decline")
    assert "¿Rechazar el cupo en" in text(confirm)
    response = client.submit(f"/es/apply/{ana}/offers/{offer_id}/decline",
                             page=f"/es/apply/{ana}/offers/{offer_id}/decline")
    assert response.status_code == 302
    assert offers(app, ana) == [("magnet", 1, "declined")]
    # The first family on the magnet's waitlist is offered the seat and told by email.
    assert offers(app, first_waiting)[-1] == ("magnet", 1, "offered")
    with app.app_context():
        moved = _db.session.scalars(
            select(Offer).where(Offer.application_id == first_waiting).order_by(Offer.id.desc())
        ).first()
        assert moved.source == "waitlist"
        assert moved.respond_by >= utcnow() + timedelta(days=results.WAITLIST_ANSWER_DAYS - 1)
        email = _db.session.get(Application, first_waiting).user.email
    deliver()
    assert smtp.to(email)
    assert {"enrollment.offer_declined", "enrollment.waitlist_offer"} <= set(actions(app))


def test_accepting_a_waitlist_offer_releases_the_earlier_one(
    app, client, world, families, office
):
    published(app, client, world)
    badr = families["badr"][1]
    with app.app_context():
        # Move Badr to the top of the magnet's waitlist, then free the seat.
        place = _db.session.scalar(
            select(WaitlistPlace).where(WaitlistPlace.application_id == badr)
        )
        place.lottery_number = -1
        ana_offer = _db.session.scalar(
            select(Offer).where(Offer.application_id == families["ana"][1])
        )
        results.decline(ana_offer, None)
        _db.session.commit()
    assert offers(app, badr) == [("dual_language", 2, "offered"), ("magnet", 1, "offered")]
    as_family(client, families["badr"])
    page = text(client.get(f"/ar/apply/{badr}"))
    assert 'dir="rtl"' in page
    with app.app_context():
        magnet = _db.session.scalar(
            select(Offer.id).where(Offer.application_id == badr, Offer.source == "waitlist")
        )
    response = client.submit(f"/ar/apply/{badr}/offers/{magnet}/accept", page=f"/ar/apply/{badr}")
    assert response.status_code == 302
    assert offers(app, badr) == [("dual_language", 2, "released"), ("magnet", 1, "accepted")]
    # Answering again is refused with a message, not an error.
    again = client.submit(f"/en/apply/{badr}/offers/{magnet}/accept", page=f"/en/apply/{badr}")
    assert again.status_code == 409 and "This offer was already answered." in text(again)


def test_no_answer_by_the_deadline_counts_as_declined(app, client, world, families, office):
    published(app, client, world)
    ana = families["ana"][1]
    with app.app_context():
        offer = _db.session.scalar(select(Offer).where(Offer.application_id == ana))
        offer.respond_by = utcnow() - timedelta(minutes=1)
        _db.session.commit()
        offer_id = offer.id
    as_family(client, families["ana"])
    page = text(client.get(f"/en/apply/{ana}"))
    assert "Declined: no answer by the deadline" in page and "Accept this seat" not in page
    late = client.submit(f"/en/apply/{ana}/offers/{offer_id}/accept", page=f"/en/apply/{ana}")
    assert late.status_code == 409 and "deadline to answer this offer has passed" in text(late)
    result = app.test_cli_runner().invoke(args=["enrollment", "expire-offers"])
    assert result.exit_code == 0 and "1" in result.output
    assert offers(app, ana) == [("magnet", 1, "expired")]
    with app.app_context():
        assert _db.session.scalar(
            select(Offer.id).where(Offer.source == "waitlist", Offer.status == "offered")
        )


def test_leaving_the_selection_gives_up_every_seat_and_place(app, client, world, families,
                                                             office):
    published(app, client, world)
    badr = families["badr"][1]
    as_family(client, families["badr"])
    assert "Leave the selection" in text(client.get(f"/en/apply/{badr}"))
    response = client.submit(f"/en/apply/{badr}/give-up", page=f"/en/apply/{badr}/give-up")
    assert response.status_code == 302
    assert offers(app, badr) == [("dual_language", 2, "given_up")]
    with app.app_context():
        assert _db.session.get(Application, badr).status == "withdrawn"
        assert _db.session.scalar(
            select(WaitlistPlace.status).where(WaitlistPlace.application_id == badr)
        ) == "left"


def test_another_familys_offer_is_not_found(app, client, world, families, office):
    published(app, client, world)
    with app.app_context():
        ana_offer = _db.session.scalar(
            select(Offer.id).where(Offer.application_id == families["ana"][1])
        )
    as_family(client, families["badr"])
    badr = families["badr"][1]
    response = client.submit(f"/en/apply/{badr}/offers/{ana_offer}/accept",
                             page=f"/en/apply/{badr}")
    assert response.status_code == 404
    assert offers(app, families["ana"][1]) == [("magnet", 1, "offered")]


def test_staff_see_seats_offers_and_waitlists_and_download_them(
    app, client, world, families, office
):
    published(app, client, world)
    page = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/placements"))
    assert "Offers waiting for an answer" in page
    export = client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/placements.csv")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    magnet = next(r for r in rows if r["grade"] == "0" and r["program"] == "Magnet")
    assert (magnet["seats"], magnet["offers_outstanding"], magnet["open"], magnet["waitlist"]) \
        == ("1", "1", "0", "2")


def test_the_office_answers_for_a_family_without_an_account_and_prints_its_letter(
    app, client, world, families, office, make_user
):
    with app.app_context():
        paper = _db.session.get(Application, families["chen"][1])
        paper.user_id, paper.source, paper.contact_locale = None, "paper", "es"
        paper.choices[0].claims.append(Claim(kind="sibling", status=Claim.VERIFIED))
        ana = _db.session.get(Application, families["ana"][1])
        ana.choices[0].claims[0].status = Claim.REJECTED
        _db.session.commit()
    published(app, client, world)
    chen = families["chen"][1]
    page = text(client.get(f"/en/staff/enrollment/applications/{chen}"))
    assert "Accept for the family" in page
    assert f'href="/es/staff/enrollment/applications/{chen}/letter"' in page
    letter = text(client.get(f"/es/staff/enrollment/applications/{chen}/letter"))
    assert "Para responder, llame o visite la Oficina de inscripciones" in letter
    with app.app_context():
        offer_id = _db.session.scalar(select(Offer.id).where(Offer.application_id == chen))
    response = client.submit(f"/en/staff/enrollment/offers/{offer_id}/accept",
                             page=f"/en/staff/enrollment/applications/{chen}")
    assert response.status_code == 302
    assert offers(app, chen) == [("magnet", 1, "accepted")]
    page = text(client.get(f"/en/staff/enrollment/applications/{chen}"))
    assert "The seat was accepted for the family." in page and "Answered by the office" in page
    with app.app_context():
        event = _db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "enrollment.offer_accepted")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.actor_email == office.email and event.target_id == str(chen)


def test_school_staff_see_seats_only_at_their_schools(app, client, world, families, login_as):
    published_by_office = login_as(Role.ENROLLMENT, email="office2@example.test")
    assert published_by_office
    published(app, client, world)
    client.submit("/en/account/sign-out", page="/en/")
    login_as(Role.SCHOOL_STAFF, scope=world.schools["Sycamore Elementary"])
    page = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/placements"))
    assert "Sycamore" in page and "Jacaranda" not in page
    assert client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/selection").status_code == 403
