"""After publication: declines and withdrawals hand seats down the waitlists."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.enrollment.selection import (
    Applicant,
    Choice,
    Decline,
    InvalidInput,
    Move,
    Program,
    WaitlistPolicy,
    apply_declines,
    check_selection,
    match_applicants,
    run_selection,
)
from tests.enrollment.instances import instances

# Lottery order is the letter order; everyone has the same priority otherwise.
PROGRAMS = [Program("P", 1), Program("Q", 1), Program("R", 1)]
APPLICANTS = [
    Applicant("a", (Choice("P"),), lottery=1),
    Applicant("b", (Choice("Q"),), lottery=2),
    Applicant("c", (Choice("P"), Choice("R")), lottery=3),
    Applicant("d", (Choice("Q"), Choice("R")), lottery=4),
    Applicant("e", (Choice("R"),), lottery=5),
    Applicant("f", (Choice("P"), Choice("Q")), lottery=6),
]


@pytest.fixture
def published():
    run = run_selection(PROGRAMS, APPLICANTS, seed="x")
    assert run.checks.passed
    assert run.result.offers() == {"a": "P", "b": "Q", "c": "R"}
    assert run.result.waitlists == {"P": ("c", "f"), "Q": ("d", "f"), "R": ("d", "e")}
    return run.result


def test_a_decline_hands_the_seat_down_the_waitlist_and_the_chain_continues(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("a")])

    assert outcome.moves == (Move("c", "P", "R", "a"), Move("d", "R", None, "a"))
    assert outcome.result.offers() == {"b": "Q", "c": "P", "d": "R"}
    assert outcome.result.waitlists == {"P": ("f",), "Q": ("d", "f"), "R": ("e",)}
    assert outcome.cutoffs == {"a": 0}


def test_moving_up_leaves_the_waitlists_below_the_new_seat(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("a"), Decline("b")])

    assert outcome.moves[-2:] == (Move("d", "Q", "R", "b"), Move("e", "R", None, "b"))
    assert outcome.result.offers() == {"c": "P", "d": "Q", "e": "R"}
    assert outcome.result.waitlists == {"P": ("f",), "Q": ("f",), "R": ()}


def test_a_decliner_keeps_their_places_above_the_declined_seat(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("c"), Decline("a")])

    assert outcome.moves[0] == Move("d", "R", None, "c")
    assert outcome.moves[1] == Move("c", "P", None, "a")  # c still waited for P
    assert outcome.cutoffs == {"c": 1, "a": 0}


def test_a_withdrawal_leaves_every_waitlist(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("c", withdraw=True), Decline("a")])

    assert outcome.moves == (Move("d", "R", None, "c"), Move("f", "P", None, "a"))
    assert outcome.result.waitlists["P"] == ()
    assert outcome.cutoffs["c"] == 0


def test_a_waitlisted_applicant_can_withdraw_without_an_offer(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("d", withdraw=True), Decline("b")])

    assert outcome.moves == (Move("f", "Q", None, "b"),)
    assert outcome.result.waitlists == {"P": ("c", "f"), "Q": (), "R": ("e",)}


def test_a_seat_nobody_waits_for_stays_empty(published):
    outcome = apply_declines(APPLICANTS, published, [Decline("e", withdraw=True), Decline("c")])

    assert outcome.moves == (Move("d", "R", None, "c"),)
    later = apply_declines(APPLICANTS, outcome.result, [Decline("d")])
    assert later.moves == () and later.result.admitted["R"] == ()


def test_declines_do_not_change_the_published_result(published):
    before = dataclasses.replace(published)

    apply_declines(APPLICANTS, published, [Decline("a"), Decline("b", withdraw=True)])

    assert published == before


def test_first_choice_waitlists_only_serve_first_choices():
    run = run_selection(PROGRAMS, APPLICANTS, seed="x", waitlist_policy="first_choice")
    assert run.result.waitlists == {"P": ("c", "f"), "Q": ("d",), "R": ("e",)}

    outcome = apply_declines(APPLICANTS, run.result, [Decline("a")])

    # d has the better lottery number but ranked R second, so does not wait there
    assert outcome.moves == (Move("c", "P", "R", "a"), Move("e", "R", None, "a"))
    assert outcome.result.waitlists == {"P": ("f",), "Q": ("d",), "R": ()}
    emptied = apply_declines(APPLICANTS, outcome.result, [Decline("e")])
    assert emptied.moves == () and emptied.result.admitted["R"] == ()


@pytest.mark.parametrize(
    ("decline", "code"),
    [(Decline("nobody"), "unknown_applicant"), (Decline("d"), "no_offer")],
)
def test_a_decline_that_cannot_apply_is_refused(published, decline, code):
    with pytest.raises(InvalidInput) as raised:
        apply_declines(APPLICANTS, published, [decline])

    assert raised.value.code == code


def test_declining_twice_is_refused(published):
    with pytest.raises(InvalidInput) as raised:
        apply_declines(APPLICANTS, published, [Decline("a"), Decline("a")])

    assert raised.value.code == "no_offer"


# --- properties -------------------------------------------------------------------------------


def still_wanted(applicants: list[Applicant], cutoffs: dict[str, int]) -> list[Applicant]:
    """The applicants with only the choices they still want after declining."""
    return [
        dataclasses.replace(a, choices=a.choices[: cutoffs[a.id]]) if a.id in cutoffs else a
        for a in applicants
    ]


@st.composite
def declined(draw: st.DrawFn, policy: WaitlistPolicy):
    instance = draw(instances(max_applicants=16))
    result = match_applicants(
        instance.programs, instance.applicants, seed="declines", waitlist_policy=policy
    )
    ids = [a.id for a in instance.applicants]
    events = (
        draw(st.lists(st.tuples(st.sampled_from(ids), st.booleans()), max_size=10)) if ids else []
    )
    offers = result.offers()
    declines = []
    for applicant, withdraw in events:  # only declines that can apply, in order
        if withdraw or applicant in offers:
            declines.append(Decline(applicant, withdraw))
            outcome = apply_declines(instance.applicants, result, declines)
            offers = outcome.result.offers()
    return instance, result, declines


@settings(max_examples=150, deadline=None)
@given(case=declined(WaitlistPolicy.ABOVE_OFFER))
def test_after_declines_the_result_is_still_stable_for_what_applicants_still_want(case):
    instance, result, declines = case

    outcome = apply_declines(instance.applicants, result, declines)

    remaining = still_wanted(instance.applicants, dict(outcome.cutoffs))
    report = check_selection(instance.programs, remaining, outcome.result)
    assert report.passed, report


@settings(max_examples=100, deadline=None)
@given(case=declined(WaitlistPolicy.FIRST_CHOICE))
def test_after_declines_first_choice_waitlists_stay_consistent(case):
    instance, result, declines = case

    outcome = apply_declines(instance.applicants, result, declines)

    remaining = still_wanted(instance.applicants, dict(outcome.cutoffs))
    counts = check_selection(instance.programs, remaining, outcome.result).counts
    assert counts["capacity"] == counts["single_offer"] == counts["offer_ranked"] == 0
    assert counts["waitlists"] == 0


@settings(max_examples=150, deadline=None)
@given(case=declined(WaitlistPolicy.ABOVE_OFFER))
def test_nobody_who_stays_is_worse_off_and_one_call_equals_many(case):
    instance, result, declines = case
    ranks = {a.id: [c.program for c in a.choices] for a in instance.applicants}

    outcome = apply_declines(instance.applicants, result, declines)

    before, after = result.offers(), outcome.result.offers()
    for applicant, program in before.items():
        if applicant not in outcome.cutoffs:
            assert ranks[applicant].index(after[applicant]) <= ranks[applicant].index(program)
    step = result
    for decline in declines:
        step = apply_declines(instance.applicants, step, [decline]).result
    assert step == outcome.result


def test_declining_every_offer_of_a_larger_run_keeps_it_stable():
    programs = [Program(f"P{p}", 50) for p in range(40)]
    applicants = [
        Applicant(f"A{a:05}", tuple(Choice(f"P{(a + k) % 40}") for k in range(6)))
        for a in range(12_000)
    ]
    result = match_applicants(programs, applicants, seed="load")
    offered = list(result.offers())

    outcome = apply_declines(applicants, result, [Decline(a) for a in offered])

    assert len(outcome.cutoffs) == len(offered)
    report = check_selection(
        programs, still_wanted(applicants, dict(outcome.cutoffs)), outcome.result
    )
    assert report.passed
