"""The school-choice selection engine: who is offered which seat, and who waits where.

Pure Python with no Flask or database: it takes plain values and returns plain values, so the
enrollment app, the ``flask enrollment match`` command and the benchmark share one code path.

The algorithm
-------------
Student-proposing deferred acceptance (Gale and Shapley) with single tie-breaking: each
applicant proposes to their choices in order; each program keeps its best applicants up to its
seats and rejects the rest, who propose to their next choice. The result is the
applicant-optimal stable matching for the programs' priority orders: no applicant is refused a
program they prefer while someone of lower priority there got a seat (no justified envy), and no
seat stays empty while an applicant who ranked the program above their offer would take it.

Priority at a program
---------------------
Every choice carries the applicant's ``tier`` and ``points`` at that program. A program orders
its applicants by

1. ``tier`` ascending: tier 0 comes first (e.g. 0 matriculation, 1 sibling, 2 everyone else);
2. ``points`` descending (e.g. LAUSD magnet points, see :data:`LAUSD_MAGNET_RULES`);
3. the applicant's lottery number ascending (the lowest number wins);
4. the applicant id, only if two lottery numbers are equal.

Tiers and points are compared only among the applicants of one program, so each program may
use its own rules (:class:`PriorityRules` turns an applicant's facts into ``(tier, points)``).
Give every applicant of a program a tier from the same scheme: the default tier is 0, the top.

The lottery
-----------
One lottery number per applicant per run (single tie-breaking: the same number at every
program). It is either given with the applicant (``Applicant.lottery``: all applicants or
none) or derived from the run's seed: BLAKE2b with an 8-byte digest of the UTF-8 applicant id,
keyed with the 32-byte BLAKE2b digest of the UTF-8 seed, read as an unsigned big-endian integer
and shifted right by one bit (0 <= n < 2**63, so it fits a signed 64-bit database column). An
applicant's number depends only on the seed and their id, not on who else applies.
:func:`new_seed` draws a seed from :mod:`secrets`; store it with the run. The same programs,
applicants and seed give the same result, bit for bit, whatever the order of the input lists.

Programs and grades
-------------------
The engine's "program" is whatever holds a count of seats. The app should make one engine
program per (program, grade) pair, e.g. ``f"{program_id}:{grade}"`` with that grade's seats,
and put in an applicant's choices only the pairs for the grade they apply to. The engine never
parses the id.

Waitlists
---------
:class:`WaitlistPolicy` ``ABOVE_OFFER``: an applicant waits at every program they ranked above
the one offered (at every program they ranked if they have no offer). ``FIRST_CHOICE``: only at
their first choice, if not offered it. A waitlist is in the programs' priority order; position
is index + 1.

After publication
-----------------
:func:`apply_declines` processes declines and withdrawals: a freed seat goes to the first
applicant on that program's waitlist who still wants it. Ranking a program above one's offer is
taken as accepting its seat when it comes, so the applicant moves up and releases their earlier
seat, which goes down its own waitlist in turn. Declining gives up the offered program and every
program ranked below it; the applicant keeps their places on the waitlists above it.
Withdrawing gives up the offer and every waitlist place.

Checks and statistics
---------------------
:func:`check_selection` verifies a result against its input and returns the violations as data
(:data:`CHECKS` names them); :func:`run_selection` runs the match and the checks together, so a
run that fails a check can be refused for publication. :func:`selection_statistics` counts
outcomes overall, per program and per applicant attribute.

Nothing here is shown to users: errors are :class:`InvalidInput` with a ``code`` and details.

Use
---
::

    run = run_selection(programs, applicants, waitlist_policy=cycle.waitlist_policy)
    if not run.checks.passed:
        ...  # store run.checks and refuse to publish
    ...  # store run.result: seed, lottery numbers, admitted and waitlists (positions)
    stats = selection_statistics(programs, applicants, run.result, {id: {"grade": "K"}})
    # after publication, for each decline (or a batch of them):
    outcome = apply_declines(applicants, stored_result, [Decline(applicant_id)])
    ...  # store outcome.result, notify outcome.moves, remember outcome.cutoffs
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate, chain, islice, pairwise
from typing import Any

CAPACITY = "capacity"
SINGLE_OFFER = "single_offer"
OFFER_RANKED = "offer_ranked"
NO_JUSTIFIED_ENVY = "no_justified_envy"
NON_WASTEFUL = "non_wasteful"
WAITLISTS = "waitlists"
CHECKS = (CAPACITY, SINGLE_OFFER, OFFER_RANKED, NO_JUSTIFIED_ENVY, NON_WASTEFUL, WAITLISTS)
"""The names of the checks, in the order they are reported."""

MAX_EXAMPLES = 20
"""How many violations of each check a :class:`CheckReport` lists (it counts all of them)."""

TOP_CHOICES = 3
"""An offer at one of an applicant's first this-many choices counts as a "top three" offer."""


class WaitlistPolicy(StrEnum):
    """Where an applicant without their first choice waits."""

    ABOVE_OFFER = "above_offer"
    FIRST_CHOICE = "first_choice"


class InvalidInput(ValueError):
    """The engine's input is malformed; ``code`` says how and ``details`` says where.

    Codes: ``invalid_seed``, ``invalid_waitlist_policy``, ``invalid_program``,
    ``duplicate_program``, ``invalid_seats``, ``invalid_applicant``, ``duplicate_applicant``,
    ``invalid_choice``, ``unknown_program``, ``repeated_choice``, ``invalid_priority``,
    ``invalid_lottery``, ``mixed_lottery``, ``result_mismatch``, ``unknown_applicant``,
    ``no_offer``. Details are ``program``, ``applicant`` and, for ``result_mismatch``,
    ``reason`` (``programs``, ``lottery``, ``applicant`` or ``choice``).
    """

    def __init__(self, code: str, **details: str) -> None:
        self.code = code
        self.details = details
        described = ", ".join(f"{key}={value!r}" for key, value in details.items())
        super().__init__(f"{code}: {described}" if described else code)


# --- input ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Program:
    """A seat-holding unit (one program at one grade) with ``seats`` >= 0."""

    id: str
    seats: int


@dataclass(frozen=True, slots=True)
class Choice:
    """One ranked program and the applicant's priority there (tier ascending, points descending)."""

    program: str
    tier: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class Applicant:
    """An applicant's choices, most preferred first, and optionally a given lottery number."""

    id: str
    choices: tuple[Choice, ...]
    lottery: int | None = None


@dataclass(frozen=True, slots=True)
class PriorityRules:
    """One program's priority rules: how an applicant's facts become ``(tier, points)``.

    ``tiers`` names facts in priority order; an applicant's tier is the index of the first one
    they have (non-zero), else ``len(tiers)``. Each fact in ``points`` earns that many points per
    unit (a flag counts 1, ``waitlist_years`` counts years), up to its ``caps`` entry if any.
    """

    tiers: tuple[str, ...] = ()
    points: Mapping[str, int] = field(default_factory=dict)
    caps: Mapping[str, int] = field(default_factory=dict)

    def priority(self, facts: Mapping[str, int]) -> tuple[int, int]:
        """Return ``(tier, points)`` for an applicant with ``facts`` (fact name -> count)."""
        tier = next((i for i, name in enumerate(self.tiers) if facts.get(name)), len(self.tiers))
        points = 0
        for name, each in self.points.items():
            earned = each * int(facts.get(name, 0))
            points += min(earned, self.caps[name]) if name in self.caps else earned
        return tier, points

    def choice(self, program: str, facts: Mapping[str, int]) -> Choice:
        """Return the :class:`Choice` of ``program`` for an applicant with ``facts``."""
        tier, points = self.priority(facts)
        return Choice(program, tier, points)


LAUSD_MAGNET_RULES = PriorityRules(
    points={
        "matriculation": 12,
        "waitlist_years": 4,
        "predominantly_minority_school": 4,
        "overcrowded_school": 4,
        "sibling": 3,
    },
    caps={"waitlist_years": 12},
)
"""LAUSD magnet points: matriculation 12, 4 per waitlist year up to 12, a predominantly
Hispanic, Black, Asian and other non-Anglo (PHBAO) school 4, an overcrowded school 4, a
sibling 3; no tiers."""


# --- output -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelectionResult:
    """The outcome of a run, to be stored with it; treat the mappings as read-only.

    ``admitted`` and ``waitlists`` map every program id to applicant ids in priority order (a
    waitlist position is index + 1). ``lottery`` maps every applicant id to its lottery number.
    """

    seed: str
    waitlist_policy: WaitlistPolicy
    lottery: Mapping[str, int]
    admitted: Mapping[str, tuple[str, ...]]
    waitlists: Mapping[str, tuple[str, ...]]

    def offers(self) -> dict[str, str]:
        """Return applicant id -> offered program id, for the applicants with an offer."""
        return {a: program for program, ids in self.admitted.items() for a in ids}


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed check: ``applicant`` and ``program`` where they apply; ``other`` is, for
    justified envy, the lower-priority applicant holding the seat."""

    check: str
    applicant: str | None = None
    program: str | None = None
    other: str | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    """``counts`` maps each of :data:`CHECKS` to its number of violations; ``examples`` lists
    up to :data:`MAX_EXAMPLES` of each."""

    counts: Mapping[str, int]
    examples: tuple[Violation, ...]

    @property
    def passed(self) -> bool:
        """True if no check found a violation."""
        return not any(self.counts.values())

    @property
    def failed(self) -> tuple[str, ...]:
        """The names of the checks with violations."""
        return tuple(name for name in CHECKS if self.counts[name])


@dataclass(frozen=True, slots=True)
class SelectionRun:
    """A result with the checks run on it."""

    result: SelectionResult
    checks: CheckReport


@dataclass(frozen=True, slots=True)
class Decline:
    """An applicant gives up their offer (and lower choices), or with ``withdraw`` everything."""

    applicant: str
    withdraw: bool = False


@dataclass(frozen=True, slots=True)
class Move:
    """``applicant`` was offered ``program`` from its waitlist and released ``released`` (if
    any), in the chain started by the decline or withdrawal of ``trigger``."""

    applicant: str
    program: str
    released: str | None
    trigger: str


@dataclass(frozen=True, slots=True)
class DeclineOutcome:
    """The result after declines, the waitlist moves in order, and for each applicant who
    declined or withdrew how many of their first choices they still want (``cutoffs``)."""

    result: SelectionResult
    moves: tuple[Move, ...]
    cutoffs: Mapping[str, int]


@dataclass(slots=True)
class OutcomeCounts:
    """How many of ``applicants`` got their first choice, a top-three choice, any offer, none."""

    applicants: int = 0
    first_choice: int = 0
    top_three: int = 0
    any_offer: int = 0
    no_offer: int = 0

    def add(self, choice_position: int | None) -> None:
        """Count one applicant offered their choice at ``choice_position`` (0 = first), or none."""
        self.applicants += 1
        if choice_position is None:
            self.no_offer += 1
            return
        self.any_offer += 1
        self.top_three += choice_position < TOP_CHOICES
        self.first_choice += choice_position == 0

    def shares(self) -> dict[str, float | None]:
        """Each count as a share of ``applicants`` (None when there are no applicants)."""
        names = ("first_choice", "top_three", "any_offer", "no_offer")
        total = self.applicants
        return {name: (getattr(self, name) / total if total else None) for name in names}


@dataclass(slots=True)
class ProgramStatistics:
    """Demand and fill of one program; ``first_choice_outcomes`` counts the outcomes of the
    applicants who ranked it first."""

    seats: int
    offered: int = 0
    ranked_by: int = 0
    first_choice_outcomes: OutcomeCounts = field(default_factory=OutcomeCounts)


@dataclass(slots=True)
class Statistics:
    """Outcomes overall, per program, and per attribute name -> attribute value."""

    overall: OutcomeCounts
    by_program: dict[str, ProgramStatistics]
    by_attribute: dict[str, dict[str, OutcomeCounts]]


# --- the lottery ------------------------------------------------------------------------------


def new_seed() -> str:
    """Return a fresh seed from the operating system's cryptographic source (32 hex digits)."""
    return secrets.token_hex(16)


def lottery_number(seed: str, applicant_id: str) -> int:
    """Return the lottery number ``seed`` gives ``applicant_id`` (0 <= n < 2**63).

    :raises InvalidInput: ``invalid_seed`` if ``seed`` is not a non-empty string.
    """
    return _lottery_numbers([applicant_id], _seed_key(seed))[0]


def _seed_key(seed: str) -> bytes:
    if not isinstance(seed, str) or not seed:
        raise InvalidInput("invalid_seed")
    return hashlib.blake2b(seed.encode(), digest_size=32).digest()


def _lottery_numbers(applicant_ids: Iterable[str], key: bytes) -> list[int]:
    keyed = hashlib.blake2b(digest_size=8, key=key)
    numbers = []
    for applicant_id in applicant_ids:
        hasher = keyed.copy()
        hasher.update(applicant_id.encode())
        numbers.append(int.from_bytes(hasher.digest(), "big") >> 1)
    return numbers


# --- the prepared instance --------------------------------------------------------------------


@dataclass(slots=True)
class _Instance:
    """The input as flat, integer-indexed arrays.

    Applicant ``a`` (their index in the input) has choices at flat positions ``starts[a]`` to
    ``starts[a + 1] - 1``, most preferred first: ``choice_program[j]`` is the program's index and
    ``choice_key[j]`` the applicant's priority there as one integer, lower is better. A key's low
    bits are the applicant's lottery rank (``key & rank_mask``), so keys are unique within a
    program and name their applicant: ``by_rank[rank]`` is the applicant's index and
    ``id_by_rank[rank]`` their id.
    """

    program_ids: list[str]
    seats: list[int]
    applicant_ids: list[str]
    lottery: list[int]
    starts: list[int]
    choice_program: list[int]
    choice_key: list[int]
    rank_mask: int
    by_rank: list[int]
    id_by_rank: list[str]


def _prepare(programs: Sequence[Program], applicants: Sequence[Applicant], seed: str) -> _Instance:
    key = _seed_key(seed)
    program_ids, program_index, seats = _index_programs(programs)
    applicant_ids = _applicant_ids(applicants)
    lottery = _applicant_lottery(applicants, applicant_ids, key)
    by_rank = _lottery_order(lottery, applicant_ids)
    starts = [0, *accumulate(len(applicant.choices) for applicant in applicants)]
    choice_program = _choice_programs(applicants, program_index)
    _reject_repeated_choices(applicants, choice_program, starts)
    rank_bits = max(1, (len(applicants) - 1).bit_length())
    return _Instance(
        program_ids=program_ids,
        seats=seats,
        applicant_ids=applicant_ids,
        lottery=lottery,
        starts=starts,
        choice_program=choice_program,
        choice_key=_choice_keys(applicants, by_rank, rank_bits),
        rank_mask=(1 << rank_bits) - 1,
        by_rank=by_rank,
        id_by_rank=[applicant_ids[a] for a in by_rank],
    )


def _index_programs(programs: Sequence[Program]) -> tuple[list[str], dict[str, int], list[int]]:
    ids = [program.id for program in programs]
    for program in programs:
        if not isinstance(program.id, str):
            raise InvalidInput("invalid_program", program=repr(program.id))
        if type(program.seats) is not int or program.seats < 0:
            raise InvalidInput("invalid_seats", program=program.id)
    index = {program_id: i for i, program_id in enumerate(ids)}
    if len(index) != len(ids):
        raise InvalidInput("duplicate_program", program=_first_repeat(ids))
    return ids, index, [program.seats for program in programs]


def _applicant_ids(applicants: Sequence[Applicant]) -> list[str]:
    ids = [applicant.id for applicant in applicants]
    if not all(isinstance(applicant_id, str) for applicant_id in ids):
        bad = next(applicant_id for applicant_id in ids if not isinstance(applicant_id, str))
        raise InvalidInput("invalid_applicant", applicant=repr(bad))
    if len(set(ids)) != len(ids):
        raise InvalidInput("duplicate_applicant", applicant=_first_repeat(ids))
    return ids


def _first_repeat(values: Iterable[str]) -> str:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    raise AssertionError("no repeated value")


def _applicant_lottery(
    applicants: Sequence[Applicant], applicant_ids: list[str], key: bytes
) -> list[int]:
    given = [applicant.lottery for applicant in applicants]
    if all(number is None for number in given):
        return _lottery_numbers(applicant_ids, key)
    for applicant, number in zip(applicants, given, strict=True):
        if number is None:
            raise InvalidInput("mixed_lottery", applicant=applicant.id)
        if type(number) is not int:
            raise InvalidInput("invalid_lottery", applicant=applicant.id)
    return given  # type: ignore[return-value]  (checked above: all int)


def _lottery_order(lottery: list[int], applicant_ids: list[str]) -> list[int]:
    """Applicant indices from the best lottery number to the worst, ties by applicant id."""
    order = sorted(range(len(lottery)), key=lottery.__getitem__)
    if any(lottery[a] == lottery[b] for a, b in pairwise(order)):
        order.sort(key=lambda a: (lottery[a], applicant_ids[a]))
    return order


def _choice_programs(applicants: Sequence[Applicant], program_index: dict[str, int]) -> list[int]:
    try:
        return [program_index[c.program] for applicant in applicants for c in applicant.choices]
    except (KeyError, TypeError, AttributeError):
        raise _unknown_program(applicants, program_index) from None


def _unknown_program(applicants: Sequence[Applicant], index: dict[str, int]) -> InvalidInput:
    for applicant in applicants:
        for choice in applicant.choices:
            if not isinstance(choice, Choice):
                return InvalidInput("invalid_choice", applicant=applicant.id)
            if not isinstance(choice.program, str) or choice.program not in index:
                program = str(choice.program)
                return InvalidInput("unknown_program", applicant=applicant.id, program=program)
    raise AssertionError("every program is known")


def _reject_repeated_choices(
    applicants: Sequence[Applicant], choice_program: list[int], starts: list[int]
) -> None:
    for a, (start, end) in enumerate(pairwise(starts)):
        if len(set(choice_program[start:end])) != end - start:
            ranked = [choice.program for choice in applicants[a].choices]
            program = _first_repeat(ranked)
            raise InvalidInput("repeated_choice", applicant=applicants[a].id, program=program)


def _choice_keys(applicants: Sequence[Applicant], by_rank: list[int], rank_bits: int) -> list[int]:
    """Each choice's priority key: tier, then points (negated), then lottery rank."""
    tiers = [c.tier for applicant in applicants for c in applicant.choices]
    points = [c.points for applicant in applicants for c in applicant.choices]
    if not {*map(type, tiers), *map(type, points)} <= {int}:
        raise InvalidInput("invalid_priority", applicant=_first_bad_priority(applicants))
    if not tiers:
        return []
    lowest_tier, most_points = min(tiers), max(points)
    spread = most_points - min(points) + 1
    ranks = [0] * len(applicants)
    for rank, a in enumerate(by_rank):
        ranks[a] = rank
    return [
        ((c.tier - lowest_tier) * spread + most_points - c.points) << rank_bits | rank
        for rank, applicant in zip(ranks, applicants, strict=True)
        for c in applicant.choices
    ]


def _first_bad_priority(applicants: Sequence[Applicant]) -> str:
    return next(
        applicant.id
        for applicant in applicants
        for c in applicant.choices
        if type(c.tier) is not int or type(c.points) is not int
    )


# --- the match --------------------------------------------------------------------------------


def run_selection(
    programs: Sequence[Program],
    applicants: Sequence[Applicant],
    *,
    seed: str | None = None,
    waitlist_policy: WaitlistPolicy | str = WaitlistPolicy.ABOVE_OFFER,
) -> SelectionRun:
    """Match ``applicants`` to ``programs`` and check the result; a new seed if none is given.

    :raises InvalidInput: if the programs, applicants, seed or policy are malformed.
    """
    seed = new_seed() if seed is None else seed
    policy = _policy(waitlist_policy)
    instance = _prepare(programs, applicants, seed)
    result = _select(instance, seed, policy)
    return SelectionRun(result, _check(instance, result))


def match_applicants(
    programs: Sequence[Program],
    applicants: Sequence[Applicant],
    *,
    seed: str,
    waitlist_policy: WaitlistPolicy | str = WaitlistPolicy.ABOVE_OFFER,
) -> SelectionResult:
    """The match of :func:`run_selection` without the checks (to time it, or to re-derive a
    stored run from its seed).

    :raises InvalidInput: if the programs, applicants, seed or policy are malformed.
    """
    policy = _policy(waitlist_policy)
    return _select(_prepare(programs, applicants, seed), seed, policy)


def _policy(value: WaitlistPolicy | str) -> WaitlistPolicy:
    try:
        return WaitlistPolicy(value)
    except ValueError:
        raise InvalidInput("invalid_waitlist_policy") from None


def _select(instance: _Instance, seed: str, policy: WaitlistPolicy) -> SelectionResult:
    held, next_choice = _defer_acceptance(instance)
    admitted = [sorted(-key for key in heap) for heap in held]
    offered = _offered_choices(instance, admitted, next_choice)
    waiting = _wanting_keys(instance, _waitlist_stops(instance, offered, policy))
    return SelectionResult(
        seed=seed,
        waitlist_policy=policy,
        lottery=dict(zip(instance.applicant_ids, instance.lottery, strict=True)),
        admitted=_by_program(instance, admitted),
        waitlists=_by_program(instance, waiting),
    )


def _defer_acceptance(instance: _Instance) -> tuple[list[list[int]], list[int]]:
    """Run student-proposing deferred acceptance.

    Returns each program's held applicants as a max-heap of negated keys (the worst on top)
    and, per applicant, the flat position after the last choice they proposed to.
    """
    seats, programs, keys = instance.seats, instance.choice_program, instance.choice_key
    starts, mask, by_rank = instance.starts, instance.rank_mask, instance.by_rank
    n = len(by_rank)
    held: list[list[int]] = [[] for _ in seats]
    next_choice = starts[:-1]
    push, replace = heapq.heappush, heapq.heapreplace
    for proposer in range(n):
        a, j, end = proposer, next_choice[proposer], starts[proposer + 1]
        while j < end:  # a proposes down their list until held or out of choices
            program, key = programs[j], keys[j]
            j += 1
            heap = held[program]
            if len(heap) < seats[program]:
                push(heap, -key)
                break
            if heap and key < -heap[0]:
                next_choice[a] = j
                a = by_rank[-replace(heap, -key) & mask]  # the displaced one proposes next
                j, end = next_choice[a], starts[a + 1]
        next_choice[a] = j
    return held, next_choice


def _offered_choices(
    instance: _Instance, admitted: list[list[int]], next_choice: list[int]
) -> list[int]:
    """Per applicant, the flat position of the offered choice, or -1 without an offer."""
    mask, by_rank = instance.rank_mask, instance.by_rank
    offered = [-1] * len(next_choice)
    for keys in admitted:
        for key in keys:
            a = by_rank[key & mask]
            offered[a] = next_choice[a] - 1
    return offered


def _waitlist_stops(instance: _Instance, offered: list[int], policy: WaitlistPolicy) -> list[int]:
    """Per applicant, the flat position where the choices they wait for end."""
    starts = instance.starts
    stops = [end if j < 0 else j for j, end in zip(offered, starts[1:], strict=True)]
    if policy is WaitlistPolicy.FIRST_CHOICE:
        return [min(stop, start + 1) for stop, start in zip(stops, starts, strict=False)]
    return stops


def _wanting_keys(instance: _Instance, stops: list[int]) -> list[list[int]]:
    """Per program, the sorted keys of the choices from each applicant's first up to ``stops``."""
    wanting: list[list[int]] = [[] for _ in instance.seats]
    programs, keys = instance.choice_program, instance.choice_key
    for j in chain.from_iterable(map(range, instance.starts, stops)):
        wanting[programs[j]].append(keys[j])
    for program_keys in wanting:
        program_keys.sort()
    return wanting


def _by_program(instance: _Instance, key_lists: list[list[int]]) -> dict[str, tuple[str, ...]]:
    return {
        program_id: _applicants_of(instance, keys)
        for program_id, keys in zip(instance.program_ids, key_lists, strict=True)
    }


def _applicants_of(instance: _Instance, keys: Iterable[int]) -> tuple[str, ...]:
    ids, mask = instance.id_by_rank, instance.rank_mask
    return tuple([ids[key & mask] for key in keys])


# --- the checks -------------------------------------------------------------------------------


def check_selection(
    programs: Sequence[Program], applicants: Sequence[Applicant], result: SelectionResult
) -> CheckReport:
    """Check ``result`` against the input it claims to come from (see :data:`CHECKS`).

    Each violation of ``capacity`` is a program, of ``waitlists`` a program whose waitlist is
    not exactly its waiting applicants in priority order; the others are one applicant each
    (with a program). To check a result after declines, pass each applicant who declined or
    withdrew with only the choices they still want (:attr:`DeclineOutcome.cutoffs`).

    :raises InvalidInput: if the input is malformed, or ``result_mismatch`` if the result names
        other programs, applicants or lottery numbers than the input.
    """
    return _check(_prepare(programs, applicants, result.seed), result)


class _Findings:
    def __init__(self) -> None:
        self.counts = dict.fromkeys(CHECKS, 0)
        self.examples: dict[str, list[Violation]] = {name: [] for name in CHECKS}

    def add(self, check: str, total: int, examples: Iterable[tuple[str | None, ...]]) -> None:
        """Count ``total`` violations of ``check``, keeping the first of ``examples``
        (``(applicant, program, other)`` triples)."""
        self.counts[check] += total
        kept = self.examples[check]
        kept.extend(
            Violation(check, *fields) for fields in islice(examples, MAX_EXAMPLES - len(kept))
        )

    def report(self) -> CheckReport:
        return CheckReport(dict(self.counts), tuple(chain.from_iterable(self.examples.values())))


def _check(instance: _Instance, result: SelectionResult) -> CheckReport:
    findings = _Findings()
    admitted = _admitted_indices(instance, result)
    offered, worst = _check_offers(instance, admitted, findings)
    preferred = _wanting_keys(
        instance, _waitlist_stops(instance, offered, WaitlistPolicy.ABOVE_OFFER)
    )
    _check_stability(instance, admitted, preferred, worst, findings)
    policy = _policy(result.waitlist_policy)
    if policy is WaitlistPolicy.ABOVE_OFFER:
        waiting = preferred
    else:
        waiting = _wanting_keys(instance, _waitlist_stops(instance, offered, policy))
    _check_waitlists(instance, result, waiting, findings)
    return findings.report()


def _admitted_indices(instance: _Instance, result: SelectionResult) -> list[list[int]]:
    expected = set(instance.program_ids)
    if set(result.admitted) != expected or set(result.waitlists) != expected:
        raise InvalidInput("result_mismatch", reason="programs")
    if result.lottery != dict(zip(instance.applicant_ids, instance.lottery, strict=True)):
        raise InvalidInput("result_mismatch", reason="lottery")
    index = {applicant_id: a for a, applicant_id in enumerate(instance.applicant_ids)}
    try:
        return [[index[a] for a in result.admitted[p]] for p in instance.program_ids]
    except KeyError as error:
        applicant = str(error.args[0])
        raise InvalidInput("result_mismatch", reason="applicant", applicant=applicant) from None


def _check_offers(
    instance: _Instance, admitted: list[list[int]], findings: _Findings
) -> tuple[list[int], list[int]]:
    """Check capacity, one offer each and ranked offers.

    Returns per applicant the flat position of their (first) offered choice, -1 without an
    offer, or their end position for an unranked offer; and per program the worst key it
    admitted, -1 if none.
    """
    ids, program_ids, starts = instance.applicant_ids, instance.program_ids, instance.starts
    programs, keys = instance.choice_program, instance.choice_key
    offered, worst = [-1] * len(ids), [-1] * len(admitted)
    for p, holders in enumerate(admitted):
        if len(holders) > instance.seats[p]:
            findings.add(CAPACITY, 1, [(None, program_ids[p], None)])
        for a in holders:
            try:
                j = programs.index(p, starts[a], starts[a + 1])
                worst[p] = max(worst[p], keys[j])
            except ValueError:
                j = starts[a + 1]
                findings.add(OFFER_RANKED, 1, [(ids[a], program_ids[p], None)])
            if offered[a] != -1:
                findings.add(SINGLE_OFFER, 1, [(ids[a], program_ids[p], None)])
            else:
                offered[a] = j
    return offered, worst


def _check_stability(
    instance: _Instance,
    admitted: list[list[int]],
    preferred: list[list[int]],
    worst: list[int],
    findings: _Findings,
) -> None:
    """At each program, among the applicants who ranked it above their offer (``preferred``,
    sorted keys): none may find a free seat, none may outrank the worst admitted."""
    ids, mask = instance.id_by_rank, instance.rank_mask
    for p, keys in enumerate(preferred):
        program_id = instance.program_ids[p]
        if keys and len(admitted[p]) < instance.seats[p]:
            examples = ((ids[key & mask], program_id, None) for key in keys)
            findings.add(NON_WASTEFUL, len(keys), examples)
        envious = bisect_left(keys, worst[p])
        if envious:
            holder = ids[worst[p] & mask]
            examples = ((ids[key & mask], program_id, holder) for key in keys)
            findings.add(NO_JUSTIFIED_ENVY, envious, islice(examples, envious))


def _check_waitlists(
    instance: _Instance, result: SelectionResult, waiting: list[list[int]], findings: _Findings
) -> None:
    """Each waitlist must be exactly its waiting applicants (sorted keys) in priority order."""
    for program_id, keys in zip(instance.program_ids, waiting, strict=True):
        expected, actual = _applicants_of(instance, keys), tuple(result.waitlists[program_id])
        if actual != expected:
            findings.add(WAITLISTS, 1, [(_first_difference(actual, expected), program_id, None)])


def _first_difference(actual: tuple[str, ...], expected: tuple[str, ...]) -> str:
    for a, b in zip(actual, expected, strict=False):
        if a != b:
            return a
    return (actual[len(expected) :] or expected[len(actual) :])[0]


# --- statistics -------------------------------------------------------------------------------


def selection_statistics(
    programs: Sequence[Program],
    applicants: Sequence[Applicant],
    result: SelectionResult,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
) -> Statistics:
    """Count outcomes overall, per program and per attribute value.

    ``attributes`` maps an applicant id to attribute name -> value (e.g. ``{"grade": "K",
    "home_language": "es"}``); applicants missing from it, or lacking an attribute, are not
    counted under that attribute.

    :raises InvalidInput: ``unknown_program`` if an applicant ranks a program not in ``programs``.
    """
    offers = result.offers()
    overall = OutcomeCounts()
    by_program = {
        program.id: ProgramStatistics(program.seats, len(result.admitted.get(program.id, ())))
        for program in programs
    }
    by_attribute: dict[str, dict[str, OutcomeCounts]] = {}
    for applicant in applicants:
        position = _offered_choice(applicant, offers.get(applicant.id))
        overall.add(position)
        _count_program_demand(by_program, applicant, position)
        for name, value in (attributes or {}).get(applicant.id, {}).items():
            by_attribute.setdefault(name, {}).setdefault(value, OutcomeCounts()).add(position)
    return Statistics(overall, by_program, by_attribute)


def _offered_choice(applicant: Applicant, program: str | None) -> int | None:
    if program is None:
        return None
    ranked = [choice.program for choice in applicant.choices]
    return ranked.index(program) if program in ranked else len(ranked)


def _count_program_demand(
    by_program: dict[str, ProgramStatistics], applicant: Applicant, position: int | None
) -> None:
    try:
        for choice in applicant.choices:
            by_program[choice.program].ranked_by += 1
        if applicant.choices:
            by_program[applicant.choices[0].program].first_choice_outcomes.add(position)
    except KeyError as error:
        raise InvalidInput(
            "unknown_program", applicant=applicant.id, program=str(error.args[0])
        ) from None


def checks_document(checks: CheckReport) -> dict[str, Any]:
    """The checks as plain JSON values (stored with a run, written by the match command)."""
    violations = [
        {"check": v.check, "applicant": v.applicant, "program": v.program, "other": v.other}
        for v in checks.examples
    ]
    return {"passed": checks.passed, "counts": dict(checks.counts), "violations": violations}


def statistics_document(statistics: Statistics) -> dict[str, Any]:
    """The statistics as plain JSON values (stored with a run, written by the match command)."""
    return {
        "overall": _outcomes_document(statistics.overall),
        "by_program": {
            program_id: {
                "seats": stats.seats,
                "offered": stats.offered,
                "ranked_by": stats.ranked_by,
                "first_choice_outcomes": _outcomes_document(stats.first_choice_outcomes),
            }
            for program_id, stats in statistics.by_program.items()
        },
        "by_attribute": {
            name: {value: _outcomes_document(counts) for value, counts in values.items()}
            for name, values in statistics.by_attribute.items()
        },
    }


def _outcomes_document(counts: OutcomeCounts) -> dict[str, Any]:
    return {
        "applicants": counts.applicants,
        "first_choice": counts.first_choice,
        "top_three": counts.top_three,
        "any_offer": counts.any_offer,
        "no_offer": counts.no_offer,
        "shares": counts.shares(),
    }


# --- after publication: declines and waitlist offers ------------------------------------------


def apply_declines(
    applicants: Sequence[Applicant] | Mapping[str, Applicant],
    result: SelectionResult,
    declines: Iterable[Decline],
) -> DeclineOutcome:
    """Process ``declines`` in order and return the new result; ``result`` is not changed.

    Each freed seat goes to the first applicant on its waitlist who still wants it; they move
    up and release their earlier seat, which goes down its own waitlist, and so on. A seat
    with nobody waiting stays empty. ``applicants`` (a sequence, or a mapping by id, with the
    choices as they applied) and ``result`` must belong together (``result`` from
    :func:`run_selection` or an earlier :func:`apply_declines`). A call costs the chains of its
    declines and the waitlists they change (plus indexing ``applicants`` if it is a sequence),
    so a batch of declines costs little more than one.

    :raises InvalidInput: ``unknown_applicant`` for a decline by someone not in ``applicants``,
        ``no_offer`` for a decline (not a withdrawal) by someone without an offer,
        ``result_mismatch`` if the result names a choice an applicant did not make.
    """
    book = _OfferBook(applicants, result)
    for decline in declines:
        book.apply(decline)
    return DeclineOutcome(book.result(), tuple(book.moves), dict(book.cutoffs))


class _OfferBook:
    """The offers and waitlists of a published result, changed by declines.

    ``limits`` holds, for each applicant whose wishes changed (declined, withdrew or moved
    up), how many of their first choices they still wait for; everyone else still waits
    wherever ``result`` lists them. ``offers`` holds the offers that changed. Waitlists are read
    through a head index per program and entries that no longer apply are skipped, so each
    decline costs only its chain of moves.
    """

    def __init__(
        self, applicants: Sequence[Applicant] | Mapping[str, Applicant], result: SelectionResult
    ) -> None:
        self.source = result
        self.applicants = (
            applicants
            if isinstance(applicants, Mapping)
            else dict(zip([applicant.id for applicant in applicants], applicants, strict=True))
        )
        self.holders: dict[str, set[str]] = {}
        self.offers: dict[str, str | None] = {}
        self.heads: dict[str, int] = {}
        self.limits: dict[str, int] = {}
        self.cutoffs: dict[str, int] = {}
        self.left: dict[str, set[str]] = {}
        self.joined: dict[str, list[str]] = {}
        self.moves: list[Move] = []

    def apply(self, decline: Decline) -> None:
        applicant = decline.applicant
        if applicant not in self.applicants:
            raise InvalidInput("unknown_applicant", applicant=applicant)
        program = self.offer_of(applicant)
        if program is None and not decline.withdraw:
            raise InvalidInput("no_offer", applicant=applicant)
        cutoff = 0 if decline.withdraw or program is None else self.position(applicant, program)
        self.limits[applicant] = self.cutoffs[applicant] = cutoff
        if program is not None:
            self.offers[applicant] = None
            self.left.setdefault(program, set()).add(applicant)
            self.fill(program, trigger=applicant)

    def fill(self, program: str | None, trigger: str) -> None:
        while program is not None:
            taker = self.next_waiting(program)
            if taker is None:
                return
            released = self.offer_of(taker)
            self.offers[taker] = program
            self.limits[taker] = self.position(taker, program)
            self.joined.setdefault(program, []).append(taker)
            self.moves.append(Move(taker, program, released, trigger))
            if released is not None:
                self.left.setdefault(released, set()).add(taker)
            program = released

    def offer_of(self, applicant: str) -> str | None:
        if applicant in self.offers:
            return self.offers[applicant]
        for choice in self.choices(applicant):
            if applicant in self.holders_of(choice.program):
                return choice.program
        return None

    def holders_of(self, program: str) -> set[str]:
        if program not in self.holders:
            self.holders[program] = set(self.source.admitted.get(program, ()))
        return self.holders[program]

    def next_waiting(self, program: str) -> str | None:
        waiting, head = self.source.waitlists[program], self.heads.get(program, 0)
        while head < len(waiting):
            applicant = waiting[head]
            head += 1
            if self.wants(applicant, program):
                self.heads[program] = head
                return applicant
        self.heads[program] = head
        return None

    def wants(self, applicant: str, program: str) -> bool:
        limit = self.limits.get(applicant)
        return limit is None or self.position(applicant, program) < limit

    def choices(self, applicant: str) -> tuple[Choice, ...]:
        found = self.applicants.get(applicant)
        return () if found is None else found.choices

    def position(self, applicant: str, program: str) -> int:
        for i, choice in enumerate(self.choices(applicant)):
            if choice.program == program:
                return i
        raise InvalidInput("result_mismatch", reason="choice", applicant=applicant, program=program)

    def result(self) -> SelectionResult:
        admitted = dict(self.source.admitted)
        for program in self.left.keys() | self.joined.keys():
            left = self.left.get(program, set())
            holders = (*self.source.admitted[program], *self.joined.get(program, ()))
            admitted[program] = tuple([a for a in holders if a not in left])
        waitlists = dict(self.source.waitlists)
        for program, gone in self.stale_places().items():
            waitlists[program] = tuple([a for a in waitlists[program] if a not in gone])
        return SelectionResult(
            self.source.seed, self.source.waitlist_policy, self.source.lottery, admitted, waitlists
        )

    def stale_places(self) -> dict[str, set[str]]:
        """Per program, the applicants who no longer wait there: those who changed, at the
        programs from their limit on."""
        stale: dict[str, set[str]] = {}
        for applicant, limit in self.limits.items():
            for choice in self.choices(applicant)[limit:]:
                if choice.program in self.source.waitlists:
                    stale.setdefault(choice.program, set()).add(applicant)
        return stale
