"""Benchmark of the selection engine, ``app/enrollment/selection.py``.

    .venv/bin/python benchmarks/selection_bench.py [--repeats 5] [--json PATH]

Measures, as medians of ``--repeats`` runs on one core:

- the match alone (``match_applicants``), the checks alone (``check_selection``, which re-reads
  the input), and both together as the app runs them (``run_selection``), on a generated
  instance of 250,000 applicants, 2,000 programs and up to 12 choices each;
- the peak memory: the process's maximum resident set (input included) and the engine's own
  peak allocation while running (``tracemalloc``, one extra run);
- 10,000 declines with their waitlist cascades (``apply_declines``), and one decline alone;
- the ``matching`` package (PyPI, the tests' oracle) against the match alone on 20,000 x 400,
  with the results compared. The package runs in a child process with a time limit; if it does
  not finish, the size is halved and the table says which size was measured.

Instances are generated deterministically: programs' popularity follows a Zipf-like law (the
most popular program draws about 1,000 times as many choices as the least popular), seats are
85% of the applicants in total, spread evenly across programs whatever their popularity, and
priorities mimic LAUSD's (a few matriculation and sibling tiers, magnet points).
The engine is loaded from its file, without Flask or the app.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHOICE_COUNT_WEIGHTS = (4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 3)  # 1..12 choices, mean about 5.8


def load_engine():
    spec = importlib.util.spec_from_file_location(
        "selection_engine", ROOT / "app" / "enrollment" / "selection.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


engine = load_engine()


# --- instances --------------------------------------------------------------------------------


def generate(n_applicants: int, n_programs: int, seed: int = 2024):
    """A deterministic instance with realistic skew (see the module docstring)."""
    rng = random.Random(seed)
    mean_seats = 0.85 * n_applicants / n_programs
    programs = [
        engine.Program(f"P{p:05d}", max(1, round(mean_seats * rng.uniform(0.5, 1.5))))
        for p in range(n_programs)
    ]
    popularity = list(range(n_programs))
    rng.shuffle(popularity)
    weights = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(n_programs)))
    longest = min(12, n_programs)
    counts = rng.choices(
        range(1, longest + 1), weights=CHOICE_COUNT_WEIGHTS[:longest], k=n_applicants
    )
    applicants = [
        generate_applicant(rng, a, k, programs, popularity, weights) for a, k in enumerate(counts)
    ]
    return programs, applicants


def generate_applicant(rng, a, k, programs, popularity, weights):
    picks: list[int] = []
    while len(picks) < k:
        for p in rng.choices(popularity, cum_weights=weights, k=k):
            if p not in picks and len(picks) < k:
                picks.append(p)
    points = 4 * rng.randrange(4) + 4 * (rng.random() < 0.3) + 4 * (rng.random() < 0.2)
    choices = tuple(
        engine.Choice(programs[p].id, generate_tier(rng), points + 3 * (rng.random() < 0.05))
        for p in picks
    )
    return engine.Applicant(f"A{a:07d}", choices)


def generate_tier(rng) -> int:
    draw = rng.random()
    return 0 if draw < 0.02 else 1 if draw < 0.10 else 2


# --- timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    wall: list[float]
    cpu: list[float]

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def timed(function: Callable[[], Any], repeats: int) -> tuple[Timing, Any]:
    timing, value = Timing([], []), None
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        value = function()
        timing.cpu.append(time.process_time() - cpu)
        timing.wall.append(time.perf_counter() - wall)
    return timing, value


def engine_peak_allocation(function: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def max_rss_bytes() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * 1024


# --- the matching package ---------------------------------------------------------------------


def matching_inputs(programs, applicants, lottery):
    """The instance as the ``matching`` package's dictionaries (hospitals = programs)."""
    residents = {a.id: [c.program for c in a.choices] for a in applicants}
    ranking: dict[str, list[tuple]] = {}
    for a in applicants:
        for c in a.choices:
            ranking.setdefault(c.program, []).append((c.tier, -c.points, lottery[a.id], a.id))
    hospitals = {p: [entry[-1] for entry in sorted(entries)] for p, entries in ranking.items()}
    capacities = {p.id: p.seats for p in programs if p.id in hospitals}
    residents = {a: prefs for a, prefs in residents.items() if prefs}
    return residents, hospitals, capacities


def run_matching_package(inputs, queue) -> None:
    """In a child process: build and solve the game; report the times and the matching."""
    from matching.games import HospitalResident

    sys.setrecursionlimit(10**7)  # the package deep-copies its players recursively
    threading.stack_size(1 << 30)
    outcome: dict[str, Any] = {}

    def work() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            game = HospitalResident.create_from_dictionaries(*inputs)
            built = time.process_time()
            matching = game.solve(optimal="resident")
            solved = time.process_time()
        outcome["build"], outcome["solve"] = built - start, solved - built
        outcome["admitted"] = {h.name: sorted(r.name for r in rs) for h, rs in matching.items()}

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    queue.put(outcome)


def time_matching_package(inputs, timeout: float) -> dict[str, Any] | None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=run_matching_package, args=(inputs, queue))
    child.start()
    try:
        return queue.get(timeout=timeout)
    except Exception:  # noqa: BLE001  (queue.Empty: the time limit passed)
        return None
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join()


def compare_with_matching(args) -> dict[str, Any]:
    """Compare at the requested size, halving it while the package does not finish in time."""
    n, p = args.compare_applicants, args.compare_programs
    while True:
        programs, applicants = generate(n, p)
        ours, result = timed(
            lambda programs=programs, applicants=applicants: engine.match_applicants(
                programs, applicants, seed="bench"
            ),
            args.repeats,
        )
        prepared = engine._prepare(programs, applicants, "bench")  # private: the loop alone
        core, _ = timed(lambda prepared=prepared: engine._defer_acceptance(prepared), args.repeats)
        inputs = matching_inputs(programs, applicants, result.lottery)
        runs = [time_matching_package(inputs, args.matching_timeout)]
        while runs[-1] is not None and len(runs) < args.matching_repeats:
            runs.append(time_matching_package(inputs, args.matching_timeout))
        if runs[-1] is not None:
            return comparison_report(n, p, ours, core, runs, result)
        print(f"matching package: no result within {args.matching_timeout:.0f} s at {n} x {p}")
        if n // 2 < 500:
            return {"applicants": n, "programs": p, "finished": False}
        n, p = n // 2, max(12, p // 2)


def comparison_report(n, p, ours, core, runs, result) -> dict[str, Any]:
    ours_admitted = {program: sorted(ids) for program, ids in result.admitted.items() if ids}
    theirs = {program: admitted for program, admitted in runs[0]["admitted"].items() if admitted}
    same = ours_admitted == theirs
    build = statistics.median(r["build"] for r in runs)
    solve = statistics.median(r["solve"] for r in runs)
    return {
        "applicants": n,
        "programs": p,
        "finished": True,
        "same_matching": same,
        "engine_cpu_s": ours.median_cpu,
        "engine_wall_s": ours.median_wall,
        "engine_core_cpu_s": core.median_cpu,
        "matching_build_cpu_s": build,
        "matching_solve_cpu_s": solve,
        "matching_runs": len(runs),
        "ratio_total": (build + solve) / ours.median_cpu,
        "ratio_solve_only": solve / ours.median_cpu,
        "ratio_core": solve / core.median_cpu,
    }


# --- the benchmark ----------------------------------------------------------------------------


def declines_for(result, count: int, seed: int = 7) -> list:
    offered = sorted(result.offers())
    chosen = random.Random(seed).sample(offered, min(count, len(offered)))
    return [engine.Decline(applicant, withdraw=i % 10 == 0) for i, applicant in enumerate(chosen)]


def measure(args) -> dict[str, Any]:
    load = os.getloadavg()
    started = time.perf_counter()
    programs, applicants = generate(args.applicants, args.programs)
    generated = time.perf_counter() - started
    n_choices = sum(len(a.choices) for a in applicants)

    def match():
        return engine.match_applicants(programs, applicants, seed="bench")

    match_timing, result = timed(match, args.repeats)
    check_timing, report = timed(
        lambda: engine.check_selection(programs, applicants, result), args.repeats
    )
    run_timing, run = timed(
        lambda: engine.run_selection(programs, applicants, seed="bench"), args.repeats
    )
    stats_timing, _ = timed(
        lambda: engine.selection_statistics(programs, applicants, result), args.repeats
    )
    declines = declines_for(result, args.declines)
    declines_timing, outcome = timed(
        lambda: engine.apply_declines(applicants, result, declines), args.repeats
    )
    one_timing, _ = timed(
        lambda: engine.apply_declines(applicants, result, declines[1:2]), args.repeats
    )
    by_id = {applicant.id: applicant for applicant in applicants}
    one_mapped_timing, _ = timed(
        lambda: engine.apply_declines(by_id, result, declines[1:2]), args.repeats
    )
    peak = engine_peak_allocation(lambda: engine.run_selection(programs, applicants, seed="bench"))
    measures = {
        "match": match_timing,
        "checks": check_timing,
        "run_selection": run_timing,
        "statistics": stats_timing,
        "declines": declines_timing,
        "one_decline": one_timing,
        "one_decline_mapped": one_mapped_timing,
    }
    return {
        "instance": {
            "applicants": args.applicants,
            "programs": args.programs,
            "choices": n_choices,
            "seats": sum(p.seats for p in programs),
            "offers": sum(map(len, result.admitted.values())),
            "waitlist_places": sum(map(len, result.waitlists.values())),
            "generated_in_s": generated,
        },
        "checks_passed": report.passed and run.checks.passed,
        "declines": {"count": len(declines), "moves": len(outcome.moves)},
        "timings": {
            name: {
                "median_wall_s": t.median_wall,
                "median_cpu_s": t.median_cpu,
                "wall_runs": t.wall,
                "cpu_runs": t.cpu,
            }
            for name, t in measures.items()
        },
        "memory": {"max_rss_bytes": max_rss_bytes(), "engine_peak_traced_bytes": peak},
        "load_average_before": load,
    }


def markdown(report: dict[str, Any]) -> str:
    size = report["instance"]
    t = report["timings"]
    rows = [
        ("match (`match_applicants`)", t["match"], 5.0),
        ("checks alone (`check_selection`)", t["checks"], None),
        ("match + checks (`run_selection`)", t["run_selection"], None),
        ("statistics (`selection_statistics`)", t["statistics"], None),
        (f"{report['declines']['count']:,} declines (`apply_declines`)", t["declines"], 1.0),
        ("1 decline (`apply_declines`, applicants as a list)", t["one_decline"], None),
        ("1 decline (`apply_declines`, applicants as a dict by id)", t["one_decline_mapped"], None),
    ]
    lines = [
        f"Instance: {size['applicants']:,} applicants, {size['programs']:,} programs, "
        f"{size['choices']:,} choices, {size['seats']:,} seats; {size['offers']:,} offers, "
        f"{size['waitlist_places']:,} waitlist places. Checks passed: {report['checks_passed']}. "
        f"Runs per measure: {len(t['match']['cpu_runs'])}; load average before: "
        f"{', '.join(f'{x:.2f}' for x in report['load_average_before'])}.",
        "",
        "| measure | median wall (s) | median CPU (s) | best CPU (s) | target | met (wall / CPU) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, timing, target in rows:
        wall, cpu = timing["median_wall_s"], timing["median_cpu_s"]
        goal = f"< {target:g} s" if target else ""
        met = f"{_yes(wall < target)} / {_yes(cpu < target)}" if target else ""
        best = min(timing["cpu_runs"])
        lines.append(f"| {label} | {wall:.3f} | {cpu:.3f} | {best:.3f} | {goal} | {met} |")
    memory = report["memory"]
    rss, traced = memory["max_rss_bytes"] / 2**20, memory["engine_peak_traced_bytes"] / 2**20
    lines.append(
        f"| peak RSS of the process, input included (MiB) | {rss:,.0f} | | | < 2048 | "
        f"{_yes(rss < 2048)} |"
    )
    lines.append(f"| engine's peak allocation in `run_selection` (MiB) | {traced:,.0f} | | | | |")
    lines += ["", *comparison_markdown(report.get("comparison"))]
    return "\n".join(lines)


def _yes(met: bool) -> str:
    return "yes" if met else "NO"


def comparison_markdown(comparison: dict[str, Any] | None) -> list[str]:
    if comparison is None:
        return ["The `matching` package comparison was skipped (--skip-matching)."]
    size = f"{comparison['applicants']:,} applicants x {comparison['programs']:,} programs"
    if not comparison["finished"]:
        return [f"The `matching` package did not finish in time at any size down to {size}."]
    return [
        f"Against the `matching` package at {size} (CPU seconds, medians; the package: "
        f"{comparison['matching_runs']} runs; same matching: {comparison['same_matching']}):",
        "",
        "| | CPU (s) | engine is faster by |",
        "|---|---:|---:|",
        f"| engine, match alone (`match_applicants`: validation, lottery, waitlists, ids) | "
        f"{comparison['engine_cpu_s']:.3f} | |",
        f"| engine, deferred acceptance loop alone (private `_defer_acceptance`) | "
        f"{comparison['engine_core_cpu_s']:.3f} | |",
        f"| `matching`: build the game (validates its input) | "
        f"{comparison['matching_build_cpu_s']:.2f} | |",
        f"| `matching`: solve | {comparison['matching_solve_cpu_s']:.2f} | "
        f"{comparison['ratio_solve_only']:.0f}x (loop alone: {comparison['ratio_core']:.0f}x) |",
        f"| `matching`: build + solve | "
        f"{comparison['matching_build_cpu_s'] + comparison['matching_solve_cpu_s']:.2f} | "
        f"{comparison['ratio_total']:.0f}x (target >= 100x) |",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--applicants", type=int, default=250_000)
    parser.add_argument("--programs", type=int, default=2_000)
    parser.add_argument("--declines", type=int, default=10_000)
    parser.add_argument("--compare-applicants", type=int, default=20_000)
    parser.add_argument("--compare-programs", type=int, default=400)
    parser.add_argument("--matching-repeats", type=int, default=3)
    parser.add_argument("--matching-timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--skip-matching", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the measures to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    report = measure(args)
    if not args.skip_matching:
        report["comparison"] = compare_with_matching(args)
    report["environment"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_after": os.getloadavg(),
    }
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
