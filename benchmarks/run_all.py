"""Run every benchmark in ``benchmarks/`` and write one table to ``benchmarks/RESULTS.md``.

A benchmark is a script named ``*_bench.py`` (or one of ``KNOWN``) that accepts
``--json PATH``. Its JSON's ``summary`` (a list of ``{"metric", "value", "target", "ok"}``)
becomes rows of the table; without one, its top-level numbers do. A benchmark that fails or
writes no JSON is a "failed" row, never a crash of this runner.

    .venv/bin/python benchmarks/run_all.py [--only web_bench] [--output PATH]

Exits 1 when a benchmark failed to run (missed targets are only reported).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KNOWN = ("web_bench.py", "selection_bench.py", "enrollment_load.py")
MAX_FLATTENED = 30


def discover(only: list[str] | None) -> list[Path]:
    found = {p.name: p for p in HERE.glob("*_bench.py")}
    found.update({name: HERE / name for name in KNOWN if (HERE / name).is_file()})
    scripts = [found[name] for name in sorted(found)]
    if only:
        scripts = [s for s in scripts if s.stem in only or s.name in only]
    return scripts


def run(script: Path, workdir: Path, timeout: int) -> dict:
    """Run one benchmark; its progress goes to the terminal, its table and JSON are kept."""
    json_path = workdir / f"{script.stem}.json"
    print(f"== {script.name}", file=sys.stderr, flush=True)
    started = time.monotonic()
    outcome = {"name": script.stem, "script": script.name, "status": "ok", "detail": ""}
    try:
        done = subprocess.run(
            [sys.executable, str(script), "--json", str(json_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        outcome["stdout"] = done.stdout
        if done.returncode != 0:
            outcome["status"] = "failed"
            outcome["detail"] = f"exit status {done.returncode}"
    except subprocess.TimeoutExpired:
        outcome.update(status="failed", detail=f"timed out after {timeout} s", stdout="")
    except OSError as exc:
        outcome.update(status="failed", detail=str(exc), stdout="")
    outcome["seconds"] = round(time.monotonic() - started, 1)
    outcome["data"] = _read_json(json_path)
    if outcome["data"] is None and outcome["status"] == "ok":
        outcome.update(status="failed", detail="wrote no JSON")
    print(outcome.get("stdout", ""), flush=True)
    return outcome


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else {"value": data}


def rows(outcome: dict) -> list[dict]:
    """The benchmark's own summary rows, else its top-level numbers."""
    data = outcome["data"] or {}
    summary = data.get("summary")
    if isinstance(summary, list) and all(isinstance(r, dict) for r in summary):
        return [
            {
                "metric": str(r.get("metric", "?")),
                "value": r.get("value"),
                "target": r.get("target", ""),
                "ok": r.get("ok"),
            }
            for r in summary
        ]
    flat = list(_numbers(data))[:MAX_FLATTENED]
    return [{"metric": k, "value": v, "target": "", "ok": None} for k, v in flat]


def _numbers(data, prefix: str = ""):
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            yield name, value
        elif isinstance(value, dict):
            yield from _numbers(value, name + ".")


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "commit": _commit(),
    }


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else "unknown"


def report(outcomes: list[dict], info: dict, started: dt.datetime) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run_all.py`); each section below is the "
        "benchmark's own output. Compare runs on the same machine; ratios are meant to survive "
        "a noisy one better than absolute times.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['system']}",
        f"- Python {info['python']}; commit {info['commit']}",
        f"- Load average when started: {info['load']}",
        "",
        "| benchmark | metric | value | target | met |",
        "|---|---|--:|---|---|",
    ]
    for outcome in outcomes:
        name = f"{outcome['name']} ({outcome['seconds']} s)"
        if outcome["status"] != "ok":
            lines.append(f"| {name} | **failed**: {_cell(outcome['detail'])} | | | |")
        for row in rows(outcome):
            met = {True: "yes", False: "**no**", None: ""}[row["ok"]]
            value = _value(row["value"])
            lines.append(
                f"| {name} | {_cell(row['metric'])} | {value} | {_cell(row['target'])} | {met} |"
            )
    for outcome in outcomes:
        if outcome.get("stdout", "").strip():
            lines += [("\n" + outcome["stdout"].strip()).replace("\n## ", "\n### ")]
    return "\n".join(lines) + "\n"


def _value(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:,.1f}"
    return "–" if value is None else _cell(value)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="benchmark names, such as web_bench")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per benchmark")
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    info = machine()
    scripts = discover(args.only)
    if not scripts:
        print("No benchmark found.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="run_all-") as workdir:
        outcomes = [run(script, Path(workdir), args.timeout) for script in scripts]
    args.output.write_text(report(outcomes, info, started))
    print(f"Wrote {args.output}", file=sys.stderr)
    return 1 if any(o["status"] != "ok" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
