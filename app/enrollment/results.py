"""Selection in the app: dry runs, publishing one, offers, answers and waitlist moves.

The engine (:mod:`app.enrollment.selection`) decides; this module feeds it a cycle's submitted
applications and keeps what it decided. Each program at each grade is one engine program
(:func:`seat_key`); an application's choices go in their rank order, without the choices
whose eligibility check is pending or failed, each with its ``(tier, points)`` from the verified
claims (:func:`app.enrollment.services.choice_priority`).

The office runs dry runs (statistics and checks, stored with the whole result and seed), compares
them and publishes one that passed every check and whose applications have not changed since it
ran. Publishing writes an :class:`~app.enrollment.models.Offer` per offered seat and a
:class:`~app.enrollment.models.WaitlistPlace` per waitlist place, and queues each family's
results letter for the release time. After that, families answer by the deadline; a freed seat
(decline, no answer, an earlier offer given up for a later one, withdrawal) goes to the first
family waiting for that program and grade, with its own deadline. Every step is audited.

Functions add to the session and flush; the request or command commits once.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.enrollment import selection
from app.enrollment.models import (
    ACCEPTED,
    BY_LOTTERY,
    BY_PRIORITY,
    CLAIM_KINDS,
    DECLINED,
    EXPIRED,
    FROM_LOTTERY,
    FROM_WAITLIST,
    GIVEN_UP,
    HOLDING,
    LEFT,
    MOVED_UP,
    NO_SEATS,
    NOT_ELIGIBLE,
    OFFERED,
    PENDING,
    RELEASED,
    ROOM,
    SUBMITTED,
    VERIFIED,
    WAITING,
    WITHDRAWN,
    Application,
    Choice,
    Cycle,
    CycleProgram,
    Offer,
    SelectionRun,
    WaitlistPlace,
)
from app.enrollment.services import (
    EnrollmentError,
    Locked,
    choice_priority,
    cycle_programs,
    from_district,
    recipient,
)
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import to_district, utcnow

# A seat offered from a waitlist is held this many days (to the end of the day in Los Angeles),
# and never less than until the cycle's own answer deadline.
WAITLIST_ANSWER_DAYS = 5

# How a family's priority at a program reads in a sentence ("... among applicants with ...").
PRIORITY_PHRASES = {
    "sibling": _l("a sibling priority"),
    "matriculation": _l("a continuing-student priority"),
    "attendance_area": _l("an attendance-area priority"),
    "staff_child": _l("a staff-family priority"),
}
assert set(PRIORITY_PHRASES) == set(CLAIM_KINDS)


CHECK_LABELS = {
    selection.CAPACITY: _l("No program offers more seats than it has"),
    selection.SINGLE_OFFER: _l("Each applicant has at most one offer"),
    selection.OFFER_RANKED: _l("Offers only at programs the applicant ranked"),
    selection.NO_JUSTIFIED_ENVY: _l(
        "No applicant is passed over for someone of lower priority at a program they prefer"
    ),
    selection.NON_WASTEFUL: _l("No seat is left empty that an applicant who ranked it would take"),
    selection.WAITLISTS: _l("Waitlists are in priority and lottery order"),
}
assert set(CHECK_LABELS) == set(selection.CHECKS)


class NotPublishable(EnrollmentError):
    """The run cannot be published; ``message`` says why."""


# --- what the engine gets ---------------------------------------------------------------------


def seat_key(cycle_program_id: int, grade: int) -> str:
    """The engine's program id for one program at one grade."""
    return f"{cycle_program_id}:{grade}"


def parse_seat_key(key: str) -> tuple[int, int]:
    program, grade = key.split(":")
    return int(program), int(grade)


@dataclass
class RunInput:
    """A cycle's submitted applications as the engine takes them, and what was left out."""

    programs: list[selection.Program]
    applicants: list[selection.Applicant]
    attributes: dict[str, dict[str, str]]
    # (application id, seat key) -> (choice id, verified priority kinds that counted, tier,
    # points)
    choices: dict[tuple[str, str], tuple[int, tuple[str, ...], int, int]]
    left_out: dict[str, int] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)  # by applicant id

    @property
    def digest(self) -> str:
        """A fingerprint of everything that decides the result, but not the seed."""
        document = {
            "programs": sorted((p.id, p.seats) for p in self.programs),
            "applicants": sorted(
                (a.id, [(c.program, c.tier, c.points) for c in a.choices]) for a in self.applicants
            ),
        }
        return hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()

    def priority(self, application_id: str, key: str) -> tuple[int, int]:
        """``(tier, points)`` of an application at a seat key it ranked."""
        _, _, tier, points = self.choices[(application_id, key)]
        return tier, points


def gather(cycle: Cycle) -> RunInput:
    """The cycle's programs (seats per grade) and submitted applications, for the engine."""
    programs = list(
        db.session.scalars(
            select(CycleProgram)
            .where(CycleProgram.cycle_id == cycle.id)
            .options(selectinload(CycleProgram.seats))
            .order_by(CycleProgram.id)
        )
    )
    engine_programs = [
        selection.Program(seat_key(cp.id, row.grade), row.seats)
        for cp in programs
        for row in cp.seats
    ]
    known = {program.id for program in engine_programs}
    active = {rule.kind for rule in cycle.rules if rule.active}
    applications = db.session.scalars(
        select(Application)
        .where(Application.cycle_id == cycle.id, Application.status == SUBMITTED)
        .options(selectinload(Application.choices).selectinload(Choice.claims))
        .order_by(Application.id)
    )
    applicants: list[selection.Applicant] = []
    attributes: dict[str, dict[str, str]] = {}
    choices: dict[tuple[str, str], tuple[int, tuple[str, ...], int, int]] = {}
    left_out = {PENDING: 0, NOT_ELIGIBLE: 0}
    by_id: dict[str, Application] = {}
    for application in applications:
        applicant_id = str(application.id)
        by_id[applicant_id] = application
        ranked = []
        for choice in application.choices:
            key = seat_key(choice.cycle_program_id, application.grade)
            if choice.eligibility in left_out:
                left_out[choice.eligibility] += 1
                continue
            if key not in known:  # the program stopped taking this grade
                continue
            tier, points = choice_priority(choice, cycle.rules)
            ranked.append(selection.Choice(key, tier, points))
            kinds = tuple(
                claim.kind
                for claim in choice.claims
                if claim.status == VERIFIED and claim.kind in active
            )
            choices[(applicant_id, key)] = (choice.id, kinds, tier, points)
        applicants.append(selection.Applicant(applicant_id, tuple(ranked)))
        attributes[applicant_id] = {
            "grade": str(application.grade),
            "home_language": application.home_language,
        }
    return RunInput(engine_programs, applicants, attributes, choices, left_out, by_id)


# --- dry runs ---------------------------------------------------------------------------------


def dry_run(cycle: Cycle, actor, seed: str | None = None) -> SelectionRun:
    """Run the engine on the cycle as it stands and store the run (not published)."""
    data = gather(cycle)
    run = selection.run_selection(
        data.programs, data.applicants, seed=seed, waitlist_policy=cycle.waitlist_policy
    )
    statistics = selection.selection_statistics(
        data.programs, data.applicants, run.result, data.attributes
    )
    stored = SelectionRun(
        cycle_id=cycle.id,
        seed=run.result.seed,
        waitlist_policy=run.result.waitlist_policy.value,
        input_digest=data.digest,
        applicants=len(data.applicants),
        left_out=data.left_out,
        passed=run.checks.passed,
        checks=selection.checks_document(run.checks),
        statistics=selection.statistics_document(statistics),
        result={
            "lottery": dict(run.result.lottery),
            "admitted": {key: list(ids) for key, ids in run.result.admitted.items()},
            "waitlists": {key: list(ids) for key, ids in run.result.waitlists.items()},
        },
        created_by_id=actor.id if actor else None,
    )
    db.session.add(stored)
    db.session.flush()
    record(
        "enrollment.dry_run",
        target_type="selection_run",
        target_id=stored.id,
        after={"cycle": cycle.id, "seed": stored.seed, "passed": stored.passed},
        actor=actor,
    )
    return stored


def runs_of(cycle: Cycle) -> list[SelectionRun]:
    return list(
        db.session.scalars(
            select(SelectionRun)
            .where(SelectionRun.cycle_id == cycle.id)
            .order_by(SelectionRun.id.desc())
        )
    )


def published_run(cycle: Cycle) -> SelectionRun | None:
    return db.session.scalar(
        select(SelectionRun).where(
            SelectionRun.cycle_id == cycle.id, SelectionRun.published_at.is_not(None)
        )
    )


@dataclass
class Comparison:
    """Two runs of one cycle side by side: their statistics and how many offers differ."""

    first: SelectionRun
    second: SelectionRun
    different_offers: int


def compare(first: SelectionRun, second: SelectionRun) -> Comparison:
    offers = [_offers_by_applicant(run) for run in (first, second)]
    everyone = set(first.result["lottery"]) | set(second.result["lottery"])
    different = sum(offers[0].get(a) != offers[1].get(a) for a in everyone)
    return Comparison(first, second, different)


def _offers_by_applicant(run: SelectionRun) -> dict[str, str]:
    return {a: key for key, ids in run.result["admitted"].items() for a in ids}


# --- publishing -------------------------------------------------------------------------------


def publish(
    run: SelectionRun, actor, now: datetime | None = None, send_letters: bool = True
) -> None:
    """Make ``run`` the cycle's result: offers, waitlists, lottery numbers and letters (held in
    the outbox until the release time; ``send_letters=False`` only for demo data).

    :raises NotPublishable: with the reason, if the run failed a check, the cycle already has a
        published run, applications are still being taken, or they changed since the run.
    """
    now = now or utcnow()
    cycle = db.session.get(Cycle, run.cycle_id, with_for_update=True)
    if published_run(cycle) is not None:
        raise NotPublishable(_l("A run of this cycle is already published."))
    if not run.passed:
        raise NotPublishable(
            _l("This run failed a check, so it cannot be published. Run the selection again.")
        )
    if now < cycle.late_closes_at:
        raise NotPublishable(
            _l("Applications are still being taken. Publish after the late window closes.")
        )
    data = gather(cycle)
    if data.digest != run.input_digest:
        raise NotPublishable(
            _l(
                "Applications, priorities or seats changed after this run. Run the selection "
                "again and publish the new run."
            )
        )
    run.published_at = now
    run.published_by_id = actor.id if actor else None
    result = run.result
    seats = {program.id: program.seats for program in data.programs}
    applications = data.applications
    for applicant_id, number in result["lottery"].items():
        applications[applicant_id].lottery_number = number
    reasons = _Reasons(data, result["admitted"], seats)
    offers = []
    for key, admitted in result["admitted"].items():
        for applicant_id in admitted:
            offer = _new_offer(data, run, applications[applicant_id], key, cycle.respond_by, now)
            offer.basis = reasons.offered(applicant_id, key)
            db.session.add(offer)
            offers.append(offer)
    for key, waiting in result["waitlists"].items():
        for number, applicant_id in enumerate(waiting, start=1):
            place = _new_place(data, run, applications[applicant_id], key)
            place.basis = reasons.waiting(applicant_id, key)
            db.session.add(place)
            record(
                "enrollment.waitlisted",
                target_type="application",
                target_id=applicant_id,
                after={"program": place.cycle_program_id, "grade": place.grade, "position": number},
                actor=actor,
            )
    db.session.flush()  # the offers' ids, for the audit log
    for offer in offers:
        _audit_answer(offer, "enrollment.offer", actor)
    for application in applications.values() if send_letters else ():
        _send_letter(
            application,
            "enrollment_results",
            max(now, cycle.results_at),
            results=family_results(application),
        )
    record(
        "enrollment.publish",
        target_type="selection_run",
        target_id=run.id,
        after={"cycle": cycle.id, "seed": run.seed},
        actor=actor,
    )


class _Reasons:
    """Why each applicant got or missed a seat, from who wanted it and who got it.

    An applicant "wanted" a program if they ranked it at or above their offer. Applicants of
    equal priority (tier and points) at a program form a class. An offer came from room if no
    more applicants wanted the program than it had seats; from the lottery if someone of the
    same class wanted it and did not get a seat; otherwise from priority. A missed seat came
    from the lottery if someone of the same class got one, otherwise from priority.
    """

    def __init__(self, data: RunInput, admitted: dict[str, list[str]], seats: dict[str, int]):
        self.data = data
        self.seats = seats
        offers = {a: key for key, ids in admitted.items() for a in ids}
        self.wanting: dict[str, int] = defaultdict(int)
        self.wanting_class: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        for applicant in data.applicants:
            offered = offers.get(applicant.id)
            for choice in applicant.choices:
                self.wanting[choice.program] += 1
                self.wanting_class[(choice.program, (choice.tier, choice.points))] += 1
                if choice.program == offered:
                    break
        self.admitted_class: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        for key, ids in admitted.items():
            for applicant_id in ids:
                self.admitted_class[(key, data.priority(applicant_id, key))] += 1

    def offered(self, applicant_id: str, key: str) -> str:
        if self.wanting[key] <= self.seats[key]:
            return ROOM
        group = (key, self.data.priority(applicant_id, key))
        return BY_LOTTERY if self.wanting_class[group] > self.admitted_class[group] else BY_PRIORITY

    def waiting(self, applicant_id: str, key: str) -> str:
        if not self.seats[key]:
            return NO_SEATS
        group = (key, self.data.priority(applicant_id, key))
        return BY_LOTTERY if self.admitted_class[group] else BY_PRIORITY


def _new_offer(data, run, application, key, respond_by, now) -> Offer:
    choice_id, kinds, _, _ = data.choices[(str(application.id), key)]
    cycle_program_id, grade = parse_seat_key(key)
    return Offer(
        run_id=run.id,
        application=application,
        choice_id=choice_id,
        cycle_program_id=cycle_program_id,
        grade=grade,
        source=FROM_LOTTERY,
        priorities=",".join(kinds),
        status=OFFERED,
        offered_at=now,
        respond_by=respond_by,
    )


def _new_place(data, run, application, key) -> WaitlistPlace:
    applicant_id = str(application.id)
    choice_id, kinds, tier, points = data.choices[(applicant_id, key)]
    cycle_program_id, grade = parse_seat_key(key)
    return WaitlistPlace(
        run_id=run.id,
        application=application,
        choice_id=choice_id,
        cycle_program_id=cycle_program_id,
        grade=grade,
        tier=tier,
        points=points,
        lottery_number=run.result["lottery"][applicant_id],
        priorities=",".join(kinds),
        status=WAITING,
    )


def _offer_facts(offer: Offer) -> dict:
    return {
        "offer": offer.id,
        "program": offer.cycle_program_id,
        "grade": offer.grade,
        "source": offer.source,
        "respond_by": offer.respond_by.isoformat(),
    }


def _send_letter(application: Application, template: str, send_at: datetime, **context) -> None:
    to = recipient(application)
    if to is None:
        return  # a paper application without email: the office prints the letter
    message = notify(to[0], template, to[1], application=application, **context)
    message.next_attempt_at = send_at


# --- what a family sees -----------------------------------------------------------------------


def released(cycle: Cycle, now: datetime | None = None) -> bool:
    """Whether families may see the cycle's results: published, and the release time passed."""
    now = now or utcnow()
    return now >= cycle.results_at and published_run(cycle) is not None


def position(place: WaitlistPlace) -> int:
    """The place's position among those still waiting for the same program and grade."""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(WaitlistPlace)
        .where(
            WaitlistPlace.run_id == place.run_id,
            WaitlistPlace.cycle_program_id == place.cycle_program_id,
            WaitlistPlace.grade == place.grade,
            WaitlistPlace.status == WAITING,
            tuple_(WaitlistPlace.tier, -WaitlistPlace.points, WaitlistPlace.lottery_number)
            < tuple_(place.tier, -place.points, place.lottery_number),
        )
    )
    return (ahead or 0) + 1


@dataclass
class FamilyResults:
    offers: list[Offer]
    places: list[tuple[WaitlistPlace, int]]  # waiting places with their positions

    @property
    def accepted(self) -> Offer | None:
        return next((o for o in self.offers if o.status == ACCEPTED), None)


def family_results(application: Application) -> FamilyResults:
    offers = list(
        db.session.scalars(
            select(Offer)
            .where(Offer.application_id == application.id)
            .options(joinedload(Offer.choice))
            .order_by(Offer.offered_at.desc(), Offer.id.desc())
        )
    )
    places = db.session.scalars(
        select(WaitlistPlace)
        .where(WaitlistPlace.application_id == application.id, WaitlistPlace.status == WAITING)
        .options(joinedload(WaitlistPlace.choice))
    )
    waiting = sorted(places, key=lambda place: place.choice.rank)
    return FamilyResults(offers, [(place, position(place)) for place in waiting])


def shown_status(offer: Offer, now: datetime | None = None) -> str:
    """The offer's status as of now: an unanswered offer past its deadline counts as declined
    even before the scheduled command records it."""
    now = now or utcnow()
    if offer.status == OFFERED and now >= offer.respond_by:
        return EXPIRED
    return offer.status


def priority_phrase(kinds: str) -> str:
    names = [str(PRIORITY_PHRASES[kind]) for kind in kinds.split(",") if kind in PRIORITY_PHRASES]
    if not names:
        return _("no priority")
    return format_list(names, style="standard", locale=get_locale())


def why_offered(offer: Offer) -> str:
    """Why the family got this seat, in their words."""
    if offer.source == FROM_WAITLIST:
        return _("A seat opened and you were next on the waitlist.")
    if offer.basis == ROOM:
        return _("There was a seat for every applicant who wanted this program.")
    if offer.basis == BY_PRIORITY:
        return _(
            "Seats went first to applicants with a higher priority, and yours (%(priority)s) "
            "was high enough for a seat.",
            priority=priority_phrase(offer.priorities),
        )
    return _(
        "Placed by lottery among applicants with %(priority)s.",
        priority=priority_phrase(offer.priorities),
    )


def why_waiting(place: WaitlistPlace) -> str:
    """Why the family is waiting rather than offered a seat, in their words."""
    if place.basis == NO_SEATS:
        return _("This program has no seats in this grade this year.")
    if place.basis == BY_PRIORITY:
        return _(
            "The seats went to applicants with a higher priority than yours (%(priority)s).",
            priority=priority_phrase(place.priorities),
        )
    return _(
        "Seats among applicants with %(priority)s went by lottery, and your lottery number "
        "came after the last seat offered.",
        priority=priority_phrase(place.priorities),
    )


# --- answers ----------------------------------------------------------------------------------


def _lock_offer(offer: Offer) -> Offer:
    return db.session.get(Offer, offer.id, with_for_update=True, populate_existing=True)


def _require_open(offer: Offer, now: datetime) -> None:
    if offer.status != OFFERED:
        raise Locked(_l("This offer was already answered."))
    if now >= offer.respond_by:
        raise Locked(_l("The deadline to answer this offer has passed, so it counts as declined."))


def accept(offer: Offer, actor, now: datetime | None = None) -> None:
    """Accept ``offer``: any other seat the family holds is given up and offered to the next
    family; the waitlists for programs ranked below this one are left.

    :raises Locked: if the offer is answered or its deadline has passed.
    """
    now = now or utcnow()
    offer = _lock_offer(offer)
    _require_open(offer, now)
    offer.status = ACCEPTED
    offer.answered_at = now
    offer.answered_by_id = actor.id if actor else None
    _audit_answer(offer, "enrollment.offer_accepted", actor)
    for other in _holding(offer.application_id):
        if other.id != offer.id:
            _end(other, RELEASED, actor, now)
    rank = offer.choice.rank
    for place in _waiting(offer.application_id):
        if place.choice.rank > rank:
            _leave(place, actor, now)


def decline(offer: Offer, actor, now: datetime | None = None) -> None:
    """Decline ``offer``: the seat goes to the next family waiting for it.

    :raises Locked: if the offer is answered or its deadline has passed.
    """
    now = now or utcnow()
    offer = _lock_offer(offer)
    _require_open(offer, now)
    _end(offer, DECLINED, actor, now)


def give_up(application: Application, actor, now: datetime | None = None) -> None:
    """Withdraw after results: every held seat and waitlist place is given up."""
    now = now or utcnow()
    for offer in _holding(application.id):
        _end(offer, GIVEN_UP, actor, now)
    for place in _waiting(application.id):
        _leave(place, actor, now)
    application.status = WITHDRAWN
    application.withdrawn_at = now
    application.version = application.version + 1
    record(
        "enrollment.withdraw",
        target_type="application",
        target_id=application.id,
        after={"after_results": True},
        actor=actor,
    )


def may_give_up(application: Application, results: FamilyResults) -> bool:
    return application.status == SUBMITTED and bool(
        results.places or any(o.status in HOLDING for o in results.offers)
    )


def expire_due(now: datetime | None = None) -> int:
    """Record every unanswered offer past its deadline as declined and offer its seat on.

    Safe to run from a scheduler every few minutes, on several machines at once.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Offer)
        .where(Offer.status == OFFERED, Offer.respond_by <= now)
        .order_by(Offer.id)
        .with_for_update(skip_locked=True)
    ).all()
    for offer in due:
        _end(offer, EXPIRED, None, now)
    return len(due)


def _holding(application_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer).where(Offer.application_id == application_id, Offer.status.in_(HOLDING))
        )
    )


def _waiting(application_id: int) -> list[WaitlistPlace]:
    return list(
        db.session.scalars(
            select(WaitlistPlace)
            .where(WaitlistPlace.application_id == application_id, WaitlistPlace.status == WAITING)
            .options(joinedload(WaitlistPlace.choice))
        )
    )


def _end(offer: Offer, status: str, actor, now: datetime) -> None:
    """Close an offer (declined, expired, released, given up) and fill its seat."""
    offer.status = status
    offer.answered_at = now
    offer.answered_by_id = actor.id if actor else None
    _audit_answer(offer, f"enrollment.offer_{status}", actor)
    db.session.flush()
    fill(offer.run_id, offer.cycle_program_id, offer.grade, now)


def _leave(place: WaitlistPlace, actor, now: datetime) -> None:
    place.status = LEFT
    place.updated_at = now
    record(
        "enrollment.waitlist_left",
        target_type="application",
        target_id=place.application_id,
        after={"program": place.cycle_program_id, "grade": place.grade},
        actor=actor,
    )


def _audit_answer(offer: Offer, action: str, actor) -> None:
    record(
        action,
        target_type="application",
        target_id=offer.application_id,
        after=_offer_facts(offer),
        actor=actor,
    )


def fill(run_id: int, cycle_program_id: int, grade: int, now: datetime) -> list[Offer]:
    """Offer the open seats of a program at a grade to the families waiting, in order."""
    program = db.session.get(CycleProgram, cycle_program_id, with_for_update=True)
    seats = program.seats_for(grade) or 0
    held = (
        db.session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(
                Offer.run_id == run_id,
                Offer.cycle_program_id == cycle_program_id,
                Offer.grade == grade,
                Offer.status.in_(HOLDING),
            )
        )
        or 0
    )
    made = []
    while held < seats:
        place = db.session.scalar(
            select(WaitlistPlace)
            .where(
                WaitlistPlace.run_id == run_id,
                WaitlistPlace.cycle_program_id == cycle_program_id,
                WaitlistPlace.grade == grade,
                WaitlistPlace.status == WAITING,
            )
            .order_by(WaitlistPlace.tier, WaitlistPlace.points.desc(), WaitlistPlace.lottery_number)
            .limit(1)
        )
        if place is None:
            break
        place.status = MOVED_UP
        place.updated_at = now
        cycle = program.cycle
        offer = Offer(
            run_id=run_id,
            application_id=place.application_id,
            choice_id=place.choice_id,
            cycle_program_id=cycle_program_id,
            grade=grade,
            source=FROM_WAITLIST,
            basis=place.basis,
            priorities=place.priorities,
            status=OFFERED,
            offered_at=now,
            respond_by=waitlist_deadline(cycle, now),
        )
        db.session.add(offer)
        db.session.flush()
        record(
            "enrollment.waitlist_offer",
            target_type="application",
            target_id=offer.application_id,
            after=_offer_facts(offer),
        )
        _send_letter(place.application, "enrollment_waitlist_offer", now, offer=offer)
        made.append(offer)
        held += 1
    return made


def waitlist_deadline(cycle: Cycle, now: datetime) -> datetime:
    """The end of the day in Los Angeles, :data:`WAITLIST_ANSWER_DAYS` days from ``now``, and
    never before the cycle's own answer deadline."""
    day = to_district(now).date() + timedelta(days=WAITLIST_ANSWER_DAYS)
    return max(cycle.respond_by, from_district(datetime.combine(day, time(23, 59))))


# --- staff: seats and waitlists ---------------------------------------------------------------


@dataclass
class SeatRow:
    cycle_program: CycleProgram
    grade: int
    seats: int
    accepted: int = 0
    outstanding: int = 0
    waiting: int = 0

    @property
    def filled(self) -> int:
        return self.accepted + self.outstanding

    @property
    def open(self) -> int:
        return max(0, self.seats - self.filled)


def seat_report(cycle: Cycle, schools: list[str] | None = None) -> list[SeatRow]:
    """Per program and grade: seats, accepted, offers outstanding, open, families waiting."""
    run = published_run(cycle)
    programs = db.session.scalars(cycle_programs(cycle, schools)).unique().all()
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    if run is not None:
        for cp_id, grade, status, number in db.session.execute(
            select(Offer.cycle_program_id, Offer.grade, Offer.status, func.count())
            .where(Offer.run_id == run.id)
            .group_by(Offer.cycle_program_id, Offer.grade, Offer.status)
        ):
            counts[(cp_id, grade, status)] = number
        for cp_id, grade, number in db.session.execute(
            select(WaitlistPlace.cycle_program_id, WaitlistPlace.grade, func.count())
            .where(WaitlistPlace.run_id == run.id, WaitlistPlace.status == WAITING)
            .group_by(WaitlistPlace.cycle_program_id, WaitlistPlace.grade)
        ):
            counts[(cp_id, grade, WAITING)] = number
    rows = [
        SeatRow(
            cp,
            row.grade,
            row.seats,
            accepted=counts[(cp.id, row.grade, ACCEPTED)],
            outstanding=counts[(cp.id, row.grade, OFFERED)],
            waiting=counts[(cp.id, row.grade, WAITING)],
        )
        for cp in programs
        for row in cp.seats
    ]
    return rows
