"""Random selection instances, a slow-but-obvious checker and the ``matching`` oracle."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from hypothesis import strategies as st

from app.enrollment.selection import Applicant, Choice, Program, SelectionResult

POINTS = (0, 3, 4, 12, 16)


@dataclass(frozen=True)
class Instance:
    programs: list[Program]
    applicants: list[Applicant]


@st.composite
def instances(
    draw: st.DrawFn,
    max_programs: int = 5,
    max_applicants: int = 14,
    strict: bool = False,
    lottery: str = "any",
) -> Instance:
    """A small instance. ``strict``: every program's priorities are all distinct (so the
    lottery never decides). ``lottery``: "given", "drawn" or "any"; given numbers may tie."""
    seats = draw(st.lists(st.integers(0, 3), min_size=1, max_size=max_programs))
    programs = [Program(f"P{p}", count) for p, count in enumerate(seats)]
    n = draw(st.integers(0, max_applicants))
    distinct = [draw(st.permutations(range(n))) for _ in programs] if strict else None
    give = lottery == "given" or (lottery == "any" and draw(st.booleans()))
    applicants = []
    for a in range(n):
        order = draw(st.permutations(range(len(programs))))
        ranked = order[: draw(st.integers(0, len(programs)))]
        choices = tuple(_choice(draw, p, distinct[p][a] if distinct else None) for p in ranked)
        number = draw(st.integers(0, 6)) if give else None
        applicants.append(Applicant(f"A{a}", choices, number))
    return Instance(programs, applicants)


def _choice(draw: st.DrawFn, program: int, distinct_points: int | None) -> Choice:
    if distinct_points is not None:
        return Choice(f"P{program}", 0, distinct_points)
    return Choice(f"P{program}", draw(st.integers(0, 2)), draw(st.sampled_from(POINTS)))


def priority_order(instance: Instance, lottery: dict[str, int]) -> dict[str, list[str]]:
    """Each program's applicants, best first, by the documented rule."""
    ranking: dict[str, list[tuple]] = {program.id: [] for program in instance.programs}
    for applicant in instance.applicants:
        for c in applicant.choices:
            ranking[c.program].append((c.tier, -c.points, lottery[applicant.id], applicant.id))
    return {p: [entry[-1] for entry in sorted(entries)] for p, entries in ranking.items()}


def naive_problems(instance: Instance, result: SelectionResult) -> list[str]:
    """Every violation of the definitions, found the slow and obvious way."""
    problems = []
    seats = {program.id: program.seats for program in instance.programs}
    order = priority_order(instance, dict(result.lottery))
    offers = {}
    for program, admitted in result.admitted.items():
        if len(admitted) > seats[program]:
            problems.append(f"over capacity at {program}")
        for applicant in admitted:
            if applicant in offers:
                problems.append(f"{applicant} has two offers")
            offers[applicant] = program
    for applicant in instance.applicants:
        ranked = [c.program for c in applicant.choices]
        offer = offers.get(applicant.id)
        for program in ranked[: ranked.index(offer) if offer in ranked else len(ranked)]:
            admitted = result.admitted[program]
            if len(admitted) < seats[program]:
                problems.append(f"{applicant.id} wants an empty seat at {program}")
            rank = order[program].index
            if any(rank(other) > rank(applicant.id) for other in admitted):
                problems.append(f"{applicant.id} has justified envy at {program}")
    return problems


def expected_waitlists(
    instance: Instance, result: SelectionResult, first_choice_only: bool
) -> dict[str, tuple[str, ...]]:
    """Each program's waitlist by the documented rule."""
    offers = result.offers()
    order = priority_order(instance, dict(result.lottery))
    waiting: dict[str, set[str]] = {program.id: set() for program in instance.programs}
    for applicant in instance.applicants:
        ranked = [c.program for c in applicant.choices]
        offer = offers.get(applicant.id)
        above = ranked[: ranked.index(offer) if offer in ranked else len(ranked)]
        for program in above[:1] if first_choice_only else above:
            waiting[program].add(applicant.id)
    return {p: tuple(a for a in order[p] if a in waiting[p]) for p in waiting}


def oracle_admitted(instance: Instance, lottery: dict[str, int]) -> dict[str, set[str]]:
    """The applicant-optimal stable matching according to the ``matching`` package."""
    from matching.games import HospitalResident

    seats = {program.id: program.seats for program in instance.programs}
    hospital_prefs = {p: ranked for p, ranked in priority_order(instance, lottery).items()}
    resident_prefs = {
        a.id: [c.program for c in a.choices if seats[c.program] > 0] for a in instance.applicants
    }
    resident_prefs = {a: prefs for a, prefs in resident_prefs.items() if prefs}
    hospital_prefs = {
        p: [a for a in ranked if a in resident_prefs]
        for p, ranked in hospital_prefs.items()
        if seats[p] > 0
    }
    hospital_prefs = {p: ranked for p, ranked in hospital_prefs.items() if ranked}
    admitted: dict[str, set[str]] = {program.id: set() for program in instance.programs}
    if not resident_prefs:
        return admitted
    capacities = {p: seats[p] for p in hospital_prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning means the oracle's input is not clean
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        matching = game.solve(optimal="resident")
    for hospital, residents in matching.items():
        admitted[hospital.name] = {resident.name for resident in residents}
    return admitted
