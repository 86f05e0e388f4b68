"""Statistics of a run: overall, per program, per applicant attribute."""

from __future__ import annotations

import pytest

from app.enrollment.selection import (
    Applicant,
    Choice,
    InvalidInput,
    OutcomeCounts,
    Program,
    run_selection,
    selection_statistics,
)

PROGRAMS = [Program("P", 1), Program("Q", 1), Program("R", 1), Program("S", 1), Program("T", 0)]
APPLICANTS = [
    Applicant("first", (Choice("P"),), lottery=1),
    Applicant("second", (Choice("P"), Choice("Q")), lottery=2),
    Applicant("fourth", (Choice("P"), Choice("Q"), Choice("T"), Choice("S")), lottery=3),
    Applicant("none", (Choice("P"), Choice("Q")), lottery=4),
    Applicant("no-choices", (), lottery=5),
]
ATTRIBUTES = {
    "first": {"grade": "K", "home_language": "es"},
    "second": {"grade": "K", "home_language": "en"},
    "fourth": {"grade": "1", "home_language": "es"},
    "none": {"grade": "1"},
}


@pytest.fixture
def statistics():
    result = run_selection(PROGRAMS, APPLICANTS, seed="x").result
    assert result.offers() == {"first": "P", "second": "Q", "fourth": "S"}
    return selection_statistics(PROGRAMS, APPLICANTS, result, ATTRIBUTES)


def test_overall_outcomes(statistics):
    assert statistics.overall == OutcomeCounts(
        applicants=5, first_choice=1, top_three=2, any_offer=3, no_offer=2
    )
    assert statistics.overall.shares() == {
        "first_choice": 0.2,
        "top_three": 0.4,
        "any_offer": 0.6,
        "no_offer": 0.4,
    }


def test_per_program_demand_fill_and_first_choice_outcomes(statistics):
    p, t = statistics.by_program["P"], statistics.by_program["T"]

    assert (p.seats, p.offered, p.ranked_by) == (1, 1, 4)
    assert p.first_choice_outcomes == OutcomeCounts(4, 1, 2, 3, 1)
    assert (t.seats, t.offered, t.ranked_by) == (0, 0, 1)
    assert t.first_choice_outcomes.shares() == dict.fromkeys(t.first_choice_outcomes.shares())


def test_per_attribute_outcomes_count_only_applicants_with_the_attribute(statistics):
    language = statistics.by_attribute["home_language"]

    assert statistics.by_attribute["grade"] == {
        "K": OutcomeCounts(2, 1, 2, 2, 0),
        "1": OutcomeCounts(2, 0, 0, 1, 1),
    }
    assert language == {"es": OutcomeCounts(2, 1, 1, 2, 0), "en": OutcomeCounts(1, 0, 1, 1, 0)}


def test_statistics_without_attributes():
    result = run_selection(PROGRAMS, APPLICANTS, seed="x").result

    assert selection_statistics(PROGRAMS, APPLICANTS, result).by_attribute == {}


def test_statistics_refuse_a_choice_of_an_unknown_program():
    result = run_selection(PROGRAMS, APPLICANTS, seed="x").result

    with pytest.raises(InvalidInput) as raised:
        selection_statistics(PROGRAMS[:1], APPLICANTS, result)

    assert raised.value.code == "unknown_program"
