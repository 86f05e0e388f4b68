"""The selection engine: stable, non-wasteful, applicant-optimal, deterministic, checked."""

from __future__ import annotations

import ast
import dataclasses
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.enrollment import selection
from app.enrollment.selection import (
    CHECKS,
    LAUSD_MAGNET_RULES,
    Applicant,
    Choice,
    InvalidInput,
    PriorityRules,
    Program,
    SelectionResult,
    WaitlistPolicy,
    check_selection,
    lottery_number,
    match_applicants,
    new_seed,
    run_selection,
)
from tests.enrollment.instances import (
    Instance,
    expected_waitlists,
    instances,
    naive_problems,
    oracle_admitted,
)

PROPERTY = settings(max_examples=150, deadline=None)
seeds = st.text(min_size=1, max_size=12)
policies = st.sampled_from(list(WaitlistPolicy))


def program_sets(result: SelectionResult) -> dict[str, set[str]]:
    return {program: set(admitted) for program, admitted in result.admitted.items()}


# --- properties -------------------------------------------------------------------------------


@PROPERTY
@given(instance=instances(), seed=seeds, policy=policies)
def test_every_check_holds_on_random_instances(instance, seed, policy):
    run = run_selection(instance.programs, instance.applicants, seed=seed, waitlist_policy=policy)

    assert run.checks.passed, run.checks
    assert naive_problems(instance, run.result) == []
    first_only = policy is WaitlistPolicy.FIRST_CHOICE
    assert dict(run.result.waitlists) == expected_waitlists(instance, run.result, first_only)


@PROPERTY
@given(instance=instances(lottery="given"))
def test_result_is_the_applicant_optimal_stable_matching_of_the_matching_package(instance):
    lottery = {a.id: a.lottery for a in instance.applicants}

    result = match_applicants(instance.programs, instance.applicants, seed="oracle")

    assert program_sets(result) == oracle_admitted(instance, lottery)


@settings(max_examples=60, deadline=None)
@given(instance=instances(lottery="drawn"), seed=seeds)
def test_drawn_lottery_numbers_agree_with_the_oracle_too(instance, seed):
    lottery = {a.id: lottery_number(seed, a.id) for a in instance.applicants}

    result = match_applicants(instance.programs, instance.applicants, seed=seed)

    assert dict(result.lottery) == lottery
    assert program_sets(result) == oracle_admitted(instance, lottery)


@PROPERTY
@given(instance=instances(strict=True, lottery="drawn"), seeds=st.lists(seeds, min_size=2))
def test_the_seed_does_not_matter_when_priorities_never_tie(instance, seeds):
    results = [match_applicants(instance.programs, instance.applicants, seed=s) for s in seeds]

    assert len({(tuple(r.admitted.items()), tuple(r.waitlists.items())) for r in results}) == 1


@PROPERTY
@given(instance=instances(lottery="drawn"), seed=seeds, other_seed=seeds)
def test_the_seed_acts_only_through_the_lottery_numbers(instance, seed, other_seed):
    first = match_applicants(instance.programs, instance.applicants, seed=seed)
    with_numbers = [
        dataclasses.replace(a, lottery=first.lottery[a.id]) for a in instance.applicants
    ]

    again = match_applicants(instance.programs, with_numbers, seed=other_seed)

    assert (again.admitted, again.waitlists) == (first.admitted, first.waitlists)


@PROPERTY
@given(instance=instances(), seed=seeds, policy=policies, shuffle=st.randoms())
def test_same_input_and_seed_give_the_same_result_whatever_the_order(
    instance, seed, policy, shuffle
):
    def run(programs, applicants):
        return match_applicants(programs, applicants, seed=seed, waitlist_policy=policy)

    first = run(instance.programs, instance.applicants)
    programs, applicants = list(instance.programs), list(instance.applicants)
    shuffle.shuffle(programs)
    shuffle.shuffle(applicants)

    assert run(instance.programs, instance.applicants) == first
    shuffled = run(programs, applicants)
    assert dict(shuffled.admitted) == dict(first.admitted)
    assert dict(shuffled.waitlists) == dict(first.waitlists)
    assert dict(shuffled.lottery) == dict(first.lottery)


def test_a_different_seed_changes_the_tie_breaks():
    programs = [Program("P", 1)]
    applicants = [Applicant(f"A{i}", (Choice("P"),)) for i in range(40)]

    winners = {match_applicants(programs, applicants, seed=str(s)).admitted["P"] for s in range(8)}

    assert len(winners) > 1


# --- priority, lottery and waitlists by hand ---------------------------------------------------


def test_tier_comes_first_then_points_then_lottery_then_id():
    programs = [Program("P", 3)]
    applicants = [
        Applicant("points-16", (Choice("P", tier=1, points=16),), lottery=1),
        Applicant("tier-0", (Choice("P", tier=0, points=0),), lottery=9),
        Applicant("points-3-lottery-5", (Choice("P", tier=1, points=3),), lottery=5),
        Applicant("points-3-lottery-2-b", (Choice("P", tier=1, points=3),), lottery=2),
        Applicant("points-3-lottery-2-a", (Choice("P", tier=1, points=3),), lottery=2),
    ]

    result = run_selection(programs, applicants, seed="x").result

    assert result.admitted["P"] == ("tier-0", "points-16", "points-3-lottery-2-a")
    assert result.waitlists["P"] == ("points-3-lottery-2-b", "points-3-lottery-5")


def test_waitlists_hold_every_program_ranked_above_the_offer_in_priority_order():
    programs = [Program("A", 1), Program("B", 1), Program("C", 2)]
    applicants = [
        Applicant("ana", (Choice("A", points=4), Choice("B"), Choice("C")), lottery=3),
        Applicant("ben", (Choice("A", points=12), Choice("C")), lottery=4),
        Applicant("cy", (Choice("B"), Choice("A")), lottery=1),
        Applicant("dee", (Choice("A"), Choice("B"), Choice("C")), lottery=2),
    ]

    run = run_selection(programs, applicants, seed="x")

    assert run.checks.passed
    assert run.result.offers() == {"ben": "A", "cy": "B", "ana": "C", "dee": "C"}
    # cy got their first choice, so waits nowhere; ana and dee wait at A and B, above C
    assert run.result.waitlists == {"A": ("ana", "dee"), "B": ("dee", "ana"), "C": ()}


def test_first_choice_policy_waitlists_only_the_first_choice():
    programs = [Program("A", 1), Program("B", 1), Program("C", 2)]
    applicants = [
        Applicant("ana", (Choice("A", points=4), Choice("B"), Choice("C")), lottery=3),
        Applicant("ben", (Choice("A", points=12), Choice("C")), lottery=4),
        Applicant("cy", (Choice("B"), Choice("A")), lottery=1),
        Applicant("dee", (Choice("A"), Choice("B"), Choice("C")), lottery=2),
    ]

    run = run_selection(programs, applicants, seed="x", waitlist_policy="first_choice")

    assert run.checks.passed
    assert run.result.waitlist_policy is WaitlistPolicy.FIRST_CHOICE
    assert run.result.waitlists == {"A": ("ana", "dee"), "B": (), "C": ()}


def test_a_program_without_seats_only_has_a_waitlist():
    programs = [Program("closed", 0), Program("open", 5)]
    applicants = [Applicant(f"A{i}", (Choice("closed"), Choice("open"))) for i in range(3)]

    run = run_selection(programs, applicants, seed="x")

    assert run.checks.passed
    assert run.result.admitted["closed"] == ()
    assert set(run.result.waitlists["closed"]) == {"A0", "A1", "A2"}
    assert set(run.result.admitted["open"]) == {"A0", "A1", "A2"}


def test_an_applicant_without_choices_gets_nothing_and_waits_nowhere():
    run = run_selection([Program("P", 1)], [Applicant("A", ())], seed="x")

    assert run.checks.passed
    assert run.result.offers() == {}
    assert run.result.waitlists == {"P": ()}


def test_empty_input_is_a_valid_run():
    run = run_selection([], [], seed="x")

    assert run.checks.passed
    assert run.result.admitted == {} and run.result.lottery == {}


# --- the lottery ------------------------------------------------------------------------------


def test_new_seeds_are_long_and_fresh():
    seeds_drawn = {new_seed() for _ in range(20)}

    assert len(seeds_drawn) == 20
    assert all(len(seed) == 32 and int(seed, 16) >= 0 for seed in seeds_drawn)


def test_lottery_numbers_depend_on_seed_and_id_only_and_fit_a_signed_bigint():
    numbers = [lottery_number("seed", f"A{i}") for i in range(200)]

    assert numbers == [lottery_number("seed", f"A{i}") for i in range(200)]
    assert numbers != [lottery_number("other", f"A{i}") for i in range(200)]
    assert all(0 <= n < 2**63 for n in numbers)
    assert max(numbers) > 2**62  # the whole range is used
    alone = match_applicants([], [Applicant("A7", ())], seed="seed").lottery["A7"]
    assert alone == numbers[7]


def test_run_without_a_seed_draws_one_that_reproduces_the_run():
    programs = [Program("P", 2)]
    applicants = [Applicant(f"A{i}", (Choice("P"),)) for i in range(10)]

    first = run_selection(programs, applicants)
    again = run_selection(programs, applicants, seed=first.result.seed)

    assert len(first.result.seed) == 32
    assert again == first


# --- priority rules ---------------------------------------------------------------------------


def test_lausd_magnet_points():
    facts = {
        "matriculation": 1,
        "waitlist_years": 5,
        "predominantly_minority_school": 1,
        "overcrowded_school": 1,
        "sibling": 1,
    }

    assert LAUSD_MAGNET_RULES.priority(facts) == (0, 12 + 12 + 4 + 4 + 3)
    assert LAUSD_MAGNET_RULES.priority({"waitlist_years": 2}) == (0, 8)
    assert LAUSD_MAGNET_RULES.priority({}) == (0, 0)


def test_tiers_take_the_first_fact_present_and_others_come_last():
    rules = PriorityRules(tiers=("matriculation", "sibling"), points={"sibling": 3})

    assert rules.priority({"sibling": 1, "matriculation": 1}) == (0, 3)
    assert rules.priority({"sibling": 1}) == (1, 3)
    assert rules.priority({}) == (2, 0)
    assert rules.choice("P", {"sibling": 1}) == Choice("P", 1, 3)


# --- malformed input --------------------------------------------------------------------------


def one(choice: Choice | str | None = None, **fields) -> list[Applicant]:
    return [Applicant(**{"id": "A", "choices": (choice or Choice("P"),), **fields})]


@pytest.mark.parametrize(
    ("programs", "applicants", "code", "details"),
    [
        ([Program("P", 1), Program("P", 2)], [], "duplicate_program", {"program": "P"}),
        ([Program("P", -1)], [], "invalid_seats", {"program": "P"}),
        ([Program("P", 1.5)], [], "invalid_seats", {"program": "P"}),
        ([Program("P", 1)], one() + one(), "duplicate_applicant", {"applicant": "A"}),
        ([Program("P", 1)], one(Choice("Q")), "unknown_program", {"program": "Q"}),
        ([Program("P", 1)], one("P"), "invalid_choice", {"applicant": "A"}),
        (
            [Program("P", 1)],
            [Applicant("A", (Choice("P"), Choice("P")))],
            "repeated_choice",
            {"applicant": "A", "program": "P"},
        ),
        ([Program("P", 1)], one(Choice("P", tier=0.5)), "invalid_priority", {"applicant": "A"}),
        ([Program("P", 1)], one(Choice("P", points="3")), "invalid_priority", {}),
        (
            [Program("P", 1)],
            one(lottery=3) + [Applicant("B", ())],
            "mixed_lottery",
            {"applicant": "B"},
        ),
        ([Program("P", 1)], one(lottery="3"), "invalid_lottery", {"applicant": "A"}),
        ([Program("P", 1)], [Applicant(7, ())], "invalid_applicant", {}),
    ],
)
def test_malformed_input_is_refused_with_a_code(programs, applicants, code, details):
    with pytest.raises(InvalidInput) as raised:
        run_selection(programs, applicants, seed="x")

    assert raised.value.code == code
    assert details.items() <= raised.value.details.items()


@pytest.mark.parametrize(("seed", "policy"), [("", "above_offer"), ("x", "everywhere")])
def test_a_bad_seed_or_policy_is_refused(seed, policy):
    with pytest.raises(InvalidInput):
        run_selection([], [], seed=seed, waitlist_policy=policy)


# --- the checks catch broken results ----------------------------------------------------------


@pytest.fixture
def crowded() -> Instance:
    """Two programs of two seats, six applicants who all rank both, distinct lottery numbers."""
    applicants = [Applicant(f"A{i}", (Choice("P"), Choice("Q")), lottery=i) for i in range(6)]
    return Instance([Program("P", 2), Program("Q", 2)], applicants)


def checked(instance: Instance, result: SelectionResult, **changes) -> dict[str, int]:
    """The non-zero violation counts of ``result`` with ``changes``."""
    report = check_selection(
        instance.programs, instance.applicants, dataclasses.replace(result, **changes)
    )
    return {name: count for name, count in report.counts.items() if count}


def test_the_valid_run_passes(crowded):
    run = run_selection(crowded.programs, crowded.applicants, seed="x")

    assert run.result.admitted == {"P": ("A0", "A1"), "Q": ("A2", "A3")}
    assert run.checks.passed
    assert checked(crowded, run.result) == {}


def test_checks_catch_a_program_over_its_seats(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")

    counts = checked(
        crowded,
        result,
        admitted={"P": ("A0", "A1", "A4"), "Q": ("A2", "A3")},
        waitlists={"P": (), "Q": ("A5",)},
    )

    assert counts["capacity"] == 1


def test_checks_catch_two_offers_to_one_applicant(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")

    counts = checked(crowded, result, admitted={"P": ("A0", "A1"), "Q": ("A2", "A1")})

    assert counts["single_offer"] == 1


def test_checks_catch_justified_envy(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")

    report = check_selection(
        crowded.programs,
        crowded.applicants,
        dataclasses.replace(result, admitted={"P": ("A0", "A5"), "Q": ("A2", "A3")}),
    )

    # A1..A4 outrank A5 at P; A1, now without a seat, also outranks A3 at Q
    assert report.counts["no_justified_envy"] == 5
    envy = [v for v in report.examples if v.check == "no_justified_envy"]
    assert {(v.applicant, v.program, v.other) for v in envy} == {
        ("A1", "P", "A5"),
        ("A2", "P", "A5"),
        ("A3", "P", "A5"),
        ("A4", "P", "A5"),
        ("A1", "Q", "A3"),
    }


def test_checks_catch_an_empty_seat_someone_wants(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")

    counts = checked(crowded, result, admitted={"P": ("A0", "A1"), "Q": ("A2",)})

    assert counts["non_wasteful"] >= 1
    assert "no_justified_envy" not in counts


def test_checks_catch_an_offer_the_applicant_did_not_rank():
    programs = [Program("P", 1), Program("Q", 1)]
    applicants = [Applicant("A", (Choice("P"),)), Applicant("B", (Choice("P"),))]
    result = match_applicants(programs, applicants, seed="x")

    wrong = dataclasses.replace(result, admitted={"P": (result.admitted["P"][0],), "Q": ("A",)})
    counts = check_selection(programs, applicants, wrong).counts

    assert counts["offer_ranked"] == (1 if result.admitted["P"] == ("B",) else 2)


def test_checks_catch_a_waitlist_out_of_order(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")
    assert result.waitlists["P"] == ("A2", "A3", "A4", "A5")

    counts = checked(crowded, result, waitlists={"P": ("A3", "A2", "A4", "A5"), "Q": ("A4",)})

    assert counts == {"waitlists": 2}


def test_checks_refuse_a_result_of_another_input(crowded):
    result = match_applicants(crowded.programs, crowded.applicants, seed="x")

    with pytest.raises(InvalidInput) as raised:
        check_selection(crowded.programs, crowded.applicants[:-1], result)

    assert raised.value.code == "result_mismatch"


def test_violation_examples_are_capped_but_all_counted():
    programs = [Program("P", 1)]
    applicants = [Applicant(f"A{i:03}", (Choice("P"),), lottery=i) for i in range(100)]
    result = match_applicants(programs, applicants, seed="x")

    report = check_selection(
        programs, applicants, dataclasses.replace(result, admitted={"P": ("A099",)})
    )

    assert report.counts["no_justified_envy"] == 99
    assert len([v for v in report.examples if v.check == "no_justified_envy"]) == 20
    assert report.failed == ("no_justified_envy", "waitlists")
    assert set(report.counts) == set(CHECKS)


def test_a_fuzzed_result_never_passes_unless_it_is_the_real_one():
    rng = random.Random(7)
    programs = [Program(f"P{p}", rng.randint(1, 3)) for p in range(4)]
    applicants = [
        Applicant(f"A{a}", tuple(Choice(f"P{p}") for p in rng.sample(range(4), rng.randint(1, 4))))
        for a in range(12)
    ]
    result = match_applicants(programs, applicants, seed="fuzz")
    for _ in range(200):
        admitted = {p: list(ids) for p, ids in result.admitted.items()}
        moved = rng.choice([a for ids in admitted.values() for a in ids])
        source = next(p for p, ids in admitted.items() if moved in ids)
        target = rng.choice([p.id for p in programs if p.id != source])
        admitted[source].remove(moved)
        admitted[target].append(moved)
        broken = dataclasses.replace(result, admitted={p: tuple(v) for p, v in admitted.items()})

        assert not check_selection(programs, applicants, broken).passed


def test_the_engine_imports_only_the_standard_library():
    tree = ast.parse(Path(selection.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
        )
    }

    assert imported
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
