"""``flask enrollment match INPUT.json OUTPUT.json``: run the selection engine on a file.

An operator's tool: it reads programs and applicants from a JSON file, runs
:func:`app.enrollment.selection.run_selection`, and writes the offers, waitlists, checks and
statistics to another JSON file. It needs no database.

## The `flask enrollment match` file format

```sh
flask --app app enrollment match INPUT.json OUTPUT.json
```

The command runs the selection engine (`app/enrollment/selection.py`) on a file: deferred
acceptance over the applicants' ranked choices, one lottery number per applicant, the checks
and the statistics. It needs no database.

### INPUT.json

```json
{
  "seed": "9f2c4e0b7a1d4c3e",
  "waitlist": "above_offer",
  "programs": [
    {"id": "magnet-101:K", "seats": 1},
    {"id": "dual-es-205:K", "seats": 1}
  ],
  "applicants": [
    {"id": "A-1",
     "choices": [{"program": "dual-es-205:K", "tier": 1, "points": 16}, "magnet-101:K"],
     "attributes": {"home_language": "es"}},
    {"id": "A-2", "choices": [{"program": "dual-es-205:K", "tier": 0}],
     "attributes": {"home_language": "en"}},
    {"id": "A-3", "choices": ["magnet-101:K", "dual-es-205:K"],
     "attributes": {"home_language": "es"}}
  ]
}
```

- `seed` (optional): any non-empty string. Without it a new seed is drawn from `secrets` and
  written to the output; run again with that seed to reproduce the result bit for bit.
- `waitlist` (optional): `"above_offer"` (the default) to wait at every program ranked above
  the offer, or `"first_choice"` to wait only at the first choice.
- `programs` (required): `id`, a non-empty string, unique; `seats`, an integer >= 0. A program
  is one seat-holding unit: use one per program and grade (e.g. `"magnet-101:K"`).
- `applicants` (required): `id`, a non-empty string, unique; `choices`, the programs in order of
  preference without repeats, each a program id or an object `{"program", "tier", "points"}`.
- `choices[].tier` (optional): an integer, default 0; lower comes first at that program (e.g.
  0 matriculation, 1 sibling, 2 everyone else).
- `choices[].points` (optional): an integer, default 0; more comes first within a tier (e.g.
  LAUSD magnet points).
- `applicants[].lottery` (optional): an integer >= 0, lower wins; give one to every applicant
  or to none. Without it the number is derived from the seed and the applicant id.
- `applicants[].attributes` (optional): an object of string (or integer) values, e.g. grade and
  home language; the statistics are broken down by each attribute.

A program ranks its applicants by tier, then points (descending), then lottery number, then
applicant id. Unknown fields are errors, so a misspelt field is not silently ignored.

### OUTPUT.json

The output of the input above (written on one line; indented here):

```json
{
  "seed": "9f2c4e0b7a1d4c3e",
  "waitlist": "above_offer",
  "checks": {
    "passed": true,
    "counts": {"capacity": 0, "single_offer": 0, "offer_ranked": 0,
               "no_justified_envy": 0, "non_wasteful": 0, "waitlists": 0},
    "violations": []
  },
  "assignment": [
    {"applicant": "A-1", "program": null, "choice": null, "lottery": 9046546413125150217,
     "waitlists": [{"program": "dual-es-205:K", "position": 1},
                   {"program": "magnet-101:K", "position": 1}]},
    {"applicant": "A-2", "program": "dual-es-205:K", "choice": 1,
     "lottery": 8653173680184571684, "waitlists": []},
    {"applicant": "A-3", "program": "magnet-101:K", "choice": 1,
     "lottery": 3933018785901191866, "waitlists": []}
  ],
  "programs": [
    {"id": "magnet-101:K", "seats": 1, "admitted": ["A-3"],
     "waitlist": [{"applicant": "A-1", "position": 1}]},
    {"id": "dual-es-205:K", "seats": 1, "admitted": ["A-2"],
     "waitlist": [{"applicant": "A-1", "position": 1}]}
  ],
  "statistics": {
    "overall": {"applicants": 3, "first_choice": 2, "top_three": 2, "any_offer": 2,
                "no_offer": 1,
                "shares": {"first_choice": 0.6666666666666666,
                           "top_three": 0.6666666666666666,
                           "any_offer": 0.6666666666666666,
                           "no_offer": 0.3333333333333333}},
    "by_program": {
      "magnet-101:K": {"seats": 1, "offered": 1, "ranked_by": 2,
                       "first_choice_outcomes": {"applicants": 1, "first_choice": 1, "...": "..."}},
      "dual-es-205:K": {"seats": 1, "offered": 1, "ranked_by": 3,
                        "first_choice_outcomes": {"applicants": 2, "first_choice": 1, "...": "..."}}
    },
    "by_attribute": {
      "home_language": {"es": {"applicants": 2, "first_choice": 1, "...": "..."},
                        "en": {"applicants": 1, "first_choice": 1, "...": "..."}}
    }
  }
}
```

- `assignment`: one entry per applicant, in input order. `program` and `choice` (1 = first
  choice) are `null` without an offer; `lottery` is the number used; `waitlists` lists the
  applicant's waitlist places in their order of preference.
- `programs`: one entry per program, in input order; `admitted` and `waitlist` are in priority
  order, and a waitlist position is 1-based.
- `checks.counts`: violations per check, all 0 for a valid run; `checks.violations` lists up
  to 20 examples per check as `{"check", "applicant", "program", "other"}` (`other`: for
  `no_justified_envy`, the lower-priority applicant who holds the seat).
- `statistics`: every outcome block (`...` above) has the fields and `shares` of `overall`.
  `by_program[id].first_choice_outcomes` counts the applicants who ranked that program first;
  `by_attribute[name][value]` the applicants with that attribute value. A share is `null`
  when there are no applicants to divide by.

Exit status: 0 success; 1 the input is unreadable or malformed (nothing is written, the message
names the field, e.g. `applicants[3].choices[1].points: expected an integer, got "12"`); 2 a
usage error; 3 a check failed (the output is written so it can be inspected; do not publish).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from app.enrollment.selection import (
    Applicant,
    CheckReport,
    Choice,
    InvalidInput,
    Program,
    SelectionResult,
    Statistics,
    WaitlistPolicy,
    checks_document,
    run_selection,
    selection_statistics,
    statistics_document,
)

CHECKS_FAILED = 3
TOP_LEVEL_FIELDS = frozenset({"seed", "waitlist", "programs", "applicants"})
PROGRAM_FIELDS = frozenset({"id", "seats"})
APPLICANT_FIELDS = frozenset({"id", "choices", "lottery", "attributes"})
CHOICE_FIELDS = frozenset({"program", "tier", "points"})

enrollment_cli = click.Group("enrollment", help="Unified enrollment: the selection engine.")


class MalformedInput(Exception):
    """The input file does not follow the format; the message names where and how."""


@dataclass
class MatchInput:
    """A parsed input file."""

    programs: list[Program]
    applicants: list[Applicant]
    seed: str | None = None
    waitlist: WaitlistPolicy = WaitlistPolicy.ABOVE_OFFER
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)


@enrollment_cli.command("match")
@click.argument("input_path", metavar="INPUT.json", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT.json", type=click.Path(path_type=Path))
def match_command(input_path: Path, output_path: Path) -> None:
    """Match the applicants in INPUT.json to programs; write offers, waitlists, checks and
    statistics to OUTPUT.json (format: see ``app/enrollment/cli.py``)."""
    with _cycle_collection_paused():
        _match(input_path, output_path)


@enrollment_cli.command("expire-offers")
@with_appcontext
def expire_offers_command() -> None:
    """Count every unanswered offer past its deadline as declined and offer its seat to the
    next family waiting. Safe to run from a scheduler every few minutes."""
    from app.enrollment.results import expire_due
    from app.extensions import db

    expired = expire_due()
    db.session.commit()
    click.echo(f"{expired} offers expired")


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause CPython's cycle collector: it would walk the millions of objects of a large file
    again and again while they are built (tripling the time), and none of them form cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _match(input_path: Path, output_path: Path) -> None:
    try:
        parsed = parse_input(_read_json(input_path))
        run = run_selection(
            parsed.programs, parsed.applicants, seed=parsed.seed, waitlist_policy=parsed.waitlist
        )
    except (MalformedInput, InvalidInput) as error:
        raise click.ClickException(f"{input_path}: {_describe(error)}") from None
    statistics = selection_statistics(
        parsed.programs, parsed.applicants, run.result, parsed.attributes
    )
    _write_json(output_path, output_document(parsed, run.result, run.checks, statistics))
    click.echo(_summary(run.result, run.checks, statistics, output_path))
    if not run.checks.passed:
        click.echo(f"checks failed: {', '.join(run.checks.failed)}; do not publish", err=True)
        raise SystemExit(CHECKS_FAILED)


# --- reading ----------------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path} is not valid JSON: {error}") from None
    except RecursionError:
        raise click.ClickException(f"{path} is not valid input: nested too deeply") from None


def parse_input(document: Any) -> MatchInput:
    """Turn a decoded input file into engine values.

    :raises MalformedInput: naming the first field that does not follow the format.
    """
    _expect_object(document, "the file", TOP_LEVEL_FIELDS, required=("programs", "applicants"))
    parsed = MatchInput(
        programs=[_parse_program(p, f"programs[{i}]") for i, p in _items(document, "programs")],
        applicants=[],
        seed=_optional_text(document, "seed"),
        waitlist=_parse_waitlist(document.get("waitlist", WaitlistPolicy.ABOVE_OFFER.value)),
    )
    for i, raw in _items(document, "applicants"):
        applicant, attributes = _parse_applicant(raw, f"applicants[{i}]")
        parsed.applicants.append(applicant)
        if attributes:
            parsed.attributes[applicant.id] = attributes
    return parsed


def _parse_program(raw: Any, where: str) -> Program:
    _expect_object(raw, where, PROGRAM_FIELDS, required=("id", "seats"))
    return Program(_text(raw["id"], f"{where}.id"), _integer(raw["seats"], f"{where}.seats"))


def _parse_applicant(raw: Any, where: str) -> tuple[Applicant, dict[str, str]]:
    _expect_object(raw, where, APPLICANT_FIELDS, required=("id", "choices"))
    choices = raw["choices"]
    if not isinstance(choices, list):
        raise MalformedInput(f"{where}.choices: expected a list of programs")
    lottery = raw.get("lottery")
    applicant = Applicant(
        id=_text(raw["id"], f"{where}.id"),
        choices=_parse_choices(choices, f"{where}.choices"),
        lottery=None if lottery is None else _integer(lottery, f"{where}.lottery"),
    )
    return applicant, _parse_attributes(raw.get("attributes", {}), f"{where}.attributes")


def _parse_choices(raw_choices: list[Any], where: str) -> tuple[Choice, ...]:
    """The common, valid cases inline (a file may hold millions of choices); anything else
    goes through :func:`_parse_choice`, which accepts the same values and explains the rest."""
    choices = []
    for j, raw in enumerate(raw_choices):
        if type(raw) is str and raw:
            choices.append(Choice(raw))
            continue
        if type(raw) is dict and raw.keys() <= CHOICE_FIELDS:
            program, tier, points = raw.get("program"), raw.get("tier", 0), raw.get("points", 0)
            if type(program) is str and program and type(tier) is int and type(points) is int:
                choices.append(Choice(program, tier, points))
                continue
        choices.append(_parse_choice(raw, f"{where}[{j}]"))
    return tuple(choices)


def _parse_choice(raw: Any, where: str) -> Choice:
    if isinstance(raw, str):
        return Choice(_text(raw, where))
    _expect_object(raw, where, CHOICE_FIELDS, required=("program",))
    return Choice(
        program=_text(raw["program"], f"{where}.program"),
        tier=_integer(raw.get("tier", 0), f"{where}.tier", minimum=None),
        points=_integer(raw.get("points", 0), f"{where}.points", minimum=None),
    )


def _parse_attributes(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise MalformedInput(f"{where}: expected an object of attribute names to values")
    attributes = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise MalformedInput(f"{where}.{name}: expected a string, got {_shown(value)}")
        attributes[name] = str(value)
    return attributes


def _parse_waitlist(raw: Any) -> WaitlistPolicy:
    try:
        return WaitlistPolicy(raw)
    except ValueError:
        options = " or ".join(f'"{policy.value}"' for policy in WaitlistPolicy)
        raise MalformedInput(f"waitlist: expected {options}, got {_shown(raw)}") from None


def _expect_object(raw: Any, where: str, allowed: frozenset[str], required: Sequence[str]) -> None:
    if not isinstance(raw, dict):
        raise MalformedInput(f"{where}: expected an object, got {_shown(raw)}")
    if not raw.keys() <= allowed:
        raise MalformedInput(f"{where}: unknown field {min(raw.keys() - allowed)!r}")
    for name in required:
        if name not in raw:
            raise MalformedInput(f"{where}: missing field {name!r}")


def _items(document: dict[str, Any], name: str) -> Sequence[tuple[int, Any]]:
    if not isinstance(document[name], list):
        raise MalformedInput(f"{name}: expected a list, got {_shown(document[name])}")
    return list(enumerate(document[name]))


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise MalformedInput(f"{where}: expected a non-empty string, got {_shown(raw)}")
    return raw


def _optional_text(document: dict[str, Any], name: str) -> str | None:
    return None if document.get(name) is None else _text(document[name], name)


def _integer(raw: Any, where: str, minimum: int | None = 0) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise MalformedInput(f"{where}: expected an integer, got {_shown(raw)}")
    if minimum is not None and raw < minimum:
        raise MalformedInput(f"{where}: expected an integer >= {minimum}, got {raw}")
    return raw


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(error: MalformedInput | InvalidInput) -> str:
    if isinstance(error, MalformedInput):
        return str(error)
    applicant, program = error.details.get("applicant"), error.details.get("program")
    messages = {
        "duplicate_program": f"programs: the id {program!r} is used more than once",
        "duplicate_applicant": f"applicants: the id {applicant!r} is used more than once",
        "unknown_program": f"applicant {applicant!r} ranks {program!r}, which is not a program",
        "repeated_choice": f"applicant {applicant!r} ranks {program!r} more than once",
        "mixed_lottery": (
            f"applicant {applicant!r} has no lottery number; give one to every applicant or none"
        ),
    }
    return messages.get(error.code, f"invalid input ({error})")


# --- writing ----------------------------------------------------------------------------------


def output_document(
    parsed: MatchInput, result: SelectionResult, checks: CheckReport, statistics: Statistics
) -> dict[str, Any]:
    """The output file's content (see the module docstring)."""
    return {
        "seed": result.seed,
        "waitlist": result.waitlist_policy.value,
        "checks": checks_document(checks),
        "assignment": _assignment_json(parsed.applicants, result),
        "programs": [_program_json(program, result) for program in parsed.programs],
        "statistics": statistics_document(statistics),
    }


def _assignment_json(
    applicants: Sequence[Applicant], result: SelectionResult
) -> list[dict[str, Any]]:
    offers = result.offers()
    places: dict[str, dict[str, int]] = {}
    for program, waiting in result.waitlists.items():
        for position, applicant in enumerate(waiting, start=1):
            places.setdefault(applicant, {})[program] = position
    return [_applicant_json(applicant, offers, places, result) for applicant in applicants]


def _applicant_json(
    applicant: Applicant,
    offers: Mapping[str, str],
    places: Mapping[str, Mapping[str, int]],
    result: SelectionResult,
) -> dict[str, Any]:
    ranked = [choice.program for choice in applicant.choices]
    program = offers.get(applicant.id)
    waiting = places.get(applicant.id, {})
    return {
        "applicant": applicant.id,
        "program": program,
        "choice": ranked.index(program) + 1 if program in ranked else None,
        "lottery": result.lottery[applicant.id],
        "waitlists": [{"program": p, "position": waiting[p]} for p in ranked if p in waiting],
    }


def _program_json(program: Program, result: SelectionResult) -> dict[str, Any]:
    waitlist = result.waitlists[program.id]
    return {
        "id": program.id,
        "seats": program.seats,
        "admitted": list(result.admitted[program.id]),
        "waitlist": [{"applicant": a, "position": i} for i, a in enumerate(waitlist, start=1)],
    }


def _write_json(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` whole or not at all (through a temporary file beside ``path``)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)  # no indent: the fast C encoder
            handle.write("\n")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {path}: {error}") from None


def _summary(
    result: SelectionResult, checks: CheckReport, statistics: Statistics, path: Path
) -> str:
    overall = statistics.overall
    verdict = "checks passed" if checks.passed else "CHECKS FAILED"
    return (
        f"{overall.any_offer} of {overall.applicants} applicants offered a seat "
        f"({overall.first_choice} their first choice); {verdict}; seed {result.seed}; "
        f"wrote {path}"
    )
