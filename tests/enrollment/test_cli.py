"""``flask enrollment match INPUT.json OUTPUT.json``."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from app.enrollment import cli
from app.enrollment.cli import enrollment_cli

DOCUMENT = {
    "seed": "fixed seed",
    "programs": [{"id": "A:K", "seats": 1}, {"id": "B:K", "seats": 1}, {"id": "C:K", "seats": 2}],
    "applicants": [
        {
            "id": "ana",
            "choices": [{"program": "A:K", "points": 4}, "B:K", "C:K"],
            "lottery": 3,
            "attributes": {"grade": "K", "home_language": "es"},
        },
        {
            "id": "ben",
            "choices": [{"program": "A:K", "tier": 0, "points": 12}, "C:K"],
            "lottery": 4,
        },
        {"id": "cy", "choices": ["B:K", "A:K"], "lottery": 1, "attributes": {"grade": "K"}},
        {"id": "dee", "choices": ["A:K", "B:K", "C:K"], "lottery": 2},
        {"id": "eve", "choices": [], "lottery": 5},
    ],
}


def match(tmp_path, document, name="out.json"):
    source, target = tmp_path / "in.json", tmp_path / name
    source.write_text(document if isinstance(document, str) else json.dumps(document))
    result = CliRunner().invoke(enrollment_cli, ["match", str(source), str(target)])
    return result, target


def test_round_trip(tmp_path):
    result, target = match(tmp_path, DOCUMENT)

    assert result.exit_code == 0, result.output
    assert "4 of 5 applicants offered a seat (2 their first choice); checks passed" in result.output
    output = json.loads(target.read_text())
    assert output["seed"] == "fixed seed" and output["waitlist"] == "above_offer"
    assert output["checks"]["passed"] is True
    assert set(output["checks"]["counts"].values()) == {0}
    assert output["assignment"][0] == {
        "applicant": "ana",
        "program": "C:K",
        "choice": 3,
        "lottery": 3,
        "waitlists": [{"program": "A:K", "position": 1}, {"program": "B:K", "position": 2}],
    }
    assert output["assignment"][4] == {
        "applicant": "eve",
        "program": None,
        "choice": None,
        "lottery": 5,
        "waitlists": [],
    }
    assert output["programs"][0] == {
        "id": "A:K",
        "seats": 1,
        "admitted": ["ben"],
        "waitlist": [{"applicant": "ana", "position": 1}, {"applicant": "dee", "position": 2}],
    }
    statistics = output["statistics"]
    assert statistics["overall"]["any_offer"] == 4
    assert statistics["overall"]["shares"]["no_offer"] == pytest.approx(1 / 5)
    assert statistics["by_attribute"]["grade"]["K"]["applicants"] == 2
    assert statistics["by_program"]["A:K"]["first_choice_outcomes"]["applicants"] == 3


def test_the_documented_example_is_what_the_command_does(tmp_path):
    example_input, example_output = (
        json.loads(block.split("```", 1)[0]) for block in cli.__doc__.split("```json")[1:3]
    )

    result, target = match(tmp_path, example_input)

    assert result.exit_code == 0, result.output
    output = json.loads(target.read_text())
    for part in ("seed", "waitlist", "checks", "assignment", "programs"):
        assert output[part] == example_output[part]
    assert output["statistics"]["overall"] == example_output["statistics"]["overall"]


def test_first_choice_waitlists(tmp_path):
    result, target = match(tmp_path, {**DOCUMENT, "waitlist": "first_choice"})

    assert result.exit_code == 0, result.output
    output = json.loads(target.read_text())
    assert output["waitlist"] == "first_choice"
    assert [p["waitlist"] for p in output["programs"]][1:] == [[], []]


def test_the_same_input_gives_the_same_bytes(tmp_path):
    _, first = match(tmp_path, DOCUMENT, "first.json")
    _, second = match(tmp_path, DOCUMENT, "second.json")

    assert first.read_bytes() == second.read_bytes()


def test_without_a_seed_one_is_drawn_and_reproduces_the_run(tmp_path):
    unseeded = {k: v for k, v in DOCUMENT.items() if k != "seed"}
    unseeded["applicants"] = [
        {k: v for k, v in a.items() if k != "lottery"} for a in DOCUMENT["applicants"]
    ]

    _, first = match(tmp_path, unseeded, "first.json")
    seed = json.loads(first.read_text())["seed"]
    _, again = match(tmp_path, {**unseeded, "seed": seed}, "again.json")

    assert len(seed) == 32
    assert first.read_bytes() == again.read_bytes()


def with_applicant(**fields):
    return {**DOCUMENT, "applicants": [{"id": "x", "choices": ["A:K"], **fields}]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "is not valid JSON"),
        ([], "the file: expected an object, got []"),
        ({"applicants": []}, "the file: missing field 'programs'"),
        ({**DOCUMENT, "waitlists": "x"}, "the file: unknown field 'waitlists'"),
        ({**DOCUMENT, "programs": {}}, "programs: expected a list, got {}"),
        (
            {**DOCUMENT, "programs": [{"id": "A:K", "seats": "3"}]},
            'programs[0].seats: expected an integer, got "3"',
        ),
        (
            {**DOCUMENT, "programs": [{"id": "A:K", "seats": -1}]},
            "programs[0].seats: expected an integer >= 0, got -1",
        ),
        (
            {**DOCUMENT, "programs": [{"id": "A:K", "seats": True}]},
            "programs[0].seats: expected an integer, got true",
        ),
        (
            {**DOCUMENT, "programs": [{"id": "", "seats": 1}]},
            "programs[0].id: expected a non-empty string",
        ),
        ({**DOCUMENT, "programs": [{"seats": 1}]}, "programs[0]: missing field 'id'"),
        (with_applicant(id=7), "applicants[0].id: expected a non-empty string, got 7"),
        (with_applicant(choices="A:K"), "applicants[0].choices: expected a list of programs"),
        (
            with_applicant(choices=[{"tier": 1}]),
            "applicants[0].choices[0]: missing field 'program'",
        ),
        (
            with_applicant(choices=[{"program": "A:K", "tier": 1.5}]),
            "applicants[0].choices[0].tier: expected an integer, got 1.5",
        ),
        (
            with_applicant(choices=[{"program": "A:K", "rank": 1}]),
            "applicants[0].choices[0]: unknown field 'rank'",
        ),
        (with_applicant(choices=[3]), "applicants[0].choices[0]: expected an object, got 3"),
        (with_applicant(lottery=-1), "applicants[0].lottery: expected an integer >= 0, got -1"),
        (
            with_applicant(attributes={"grade": ["K"]}),
            'applicants[0].attributes.grade: expected a string, got ["K"]',
        ),
        (with_applicant(attributes="K"), "applicants[0].attributes: expected an object"),
        (
            {**DOCUMENT, "waitlist": "everyone"},
            'waitlist: expected "above_offer" or "first_choice", got "everyone"',
        ),
        ({**DOCUMENT, "seed": 42}, "seed: expected a non-empty string, got 42"),
        (
            {**DOCUMENT, "programs": DOCUMENT["programs"] * 2},
            "programs: the id 'A:K' is used more than once",
        ),
        (
            {**DOCUMENT, "applicants": DOCUMENT["applicants"][:1] * 2},
            "applicants: the id 'ana' is used more than once",
        ),
        (with_applicant(choices=["Z:K"]), "applicant 'x' ranks 'Z:K', which is not a program"),
        (
            with_applicant(choices=["A:K", {"program": "A:K"}]),
            "applicant 'x' ranks 'A:K' more than once",
        ),
        (
            {**DOCUMENT, "applicants": [*DOCUMENT["applicants"], {"id": "y", "choices": []}]},
            "applicant 'y' has no lottery number; give one to every applicant or none",
        ),
    ],
)
def test_malformed_input_is_refused_with_a_clear_message(tmp_path, document, message):
    result, target = match(tmp_path, document)

    assert result.exit_code == 1
    assert message in result.output
    assert f"{tmp_path / 'in.json'}" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_deeply_nested_input_is_refused_without_a_traceback(tmp_path):
    result, target = match(tmp_path, "[" * 100_000 + "]" * 100_000)

    assert result.exit_code == 1
    assert "nested too deeply" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_a_missing_input_file_is_refused(tmp_path):
    result = CliRunner().invoke(
        enrollment_cli, ["match", str(tmp_path / "nope.json"), str(tmp_path / "out.json")]
    )

    assert result.exit_code == 1
    assert "cannot read" in result.output and "Traceback" not in result.output


def test_an_unwritable_output_is_refused(tmp_path):
    result, _ = match(tmp_path, DOCUMENT, "missing-folder/out.json")

    assert result.exit_code == 1
    assert "cannot write" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "in.json"]


def test_a_failed_check_writes_the_output_and_exits_with_3(tmp_path, monkeypatch):
    real = cli.run_selection

    def broken(*args, **kwargs):
        run = real(*args, **kwargs)
        counts = {**run.checks.counts, "no_justified_envy": 1}
        return dataclasses.replace(run, checks=dataclasses.replace(run.checks, counts=counts))

    monkeypatch.setattr(cli, "run_selection", broken)

    result, target = match(tmp_path, DOCUMENT)

    assert result.exit_code == 3
    assert "checks failed: no_justified_envy; do not publish" in result.output
    assert json.loads(target.read_text())["checks"]["passed"] is False


def test_the_command_is_registered_with_flask(app, tmp_path):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(DOCUMENT))

    result = app.test_cli_runner().invoke(args=["enrollment", "match", str(source), str(target)])

    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["checks"]["passed"] is True
