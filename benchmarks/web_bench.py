"""School finder and snapshot benchmarks (issue 3's quality targets).

Throughput and latency: gunicorn (2 sync workers) on a throwaway SQLite database holding the
real LAUSD data package, driven by wrk on loopback. Each page's requests per second, with 16
connections to keep both workers busy, is divided by the mean of the /healthz runs just before
and after it, so a noisy shared machine still gives a comparable number; medians over the
repetitions are reported. Gunicorn's CPU time per request is reported too: it hardly depends
on what else the machine is doing.

Latency is judged at 2 connections, one request in flight per worker: with 16 connections on
2 sync workers a request mostly waits in the listen queue for the 7 ahead of it, so that p95
measures throughput again (it is still shown, as "p95 at -c16").

The judged pages are requested again and again, so after the first request each is served
from the workers' page cache. Two rows show the other side: every school's snapshot, and a
search for every school's name, in turn and in four languages; that is several times more
pages than a worker's cache holds, so nearly every request renders its page. Their p95 at 2
connections is judged against the same limit; their throughput ratio is shown, not judged.

Page weight: Chromium (Playwright) loads home, the finder and a snapshot with an empty cache;
every response body is summed raw and gzip-compressed at level 6 (gunicorn sends no
compression, a production proxy would), plus response headers.

    .venv/bin/python benchmarks/web_bench.py [--json PATH] [--quick]

Exits 2 when wrk is missing, 1 when a measurement failed; 0 otherwise, targets met or not
(the table says which are missed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "lausd"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HX = {"HX-Request": "true"}

WORKERS = 2

# The rows that rotate through every school do so in these languages: four times the pages.
ROTATE_LANGUAGES = ("en", "es", "zh_Hans", "ar")

# Issue 3's targets.
MIN_RATIO = 0.4
MAX_P95_MS = 50.0
MAX_FIRST_LOAD_GZIP = 60 * 1024
MAX_FRAGMENT_RAW = 8 * 1024

# Prepended to WRK_SCRIPT for a target that requests its paths in turn; each wrk thread
# starts at its own place in the list, so two threads do not ask for the same page together,
# and each run starts at a random place, so it does not ask for the pages the run before it
# has just put in the cache.
ROTATE_SCRIPT = """
local paths = {%s}
local i = 0
local threads = 0
math.randomseed(os.time())
local start = math.random(0, #paths - 1)
setup = function(thread)
  thread:set("offset", (start + threads * math.floor(#paths / 2)) %% #paths)
  threads = threads + 1
end
init = function(args)
  i = offset or 0
end
request = function()
  i = i %% #paths + 1
  return wrk.format(nil, paths[i])
end
"""

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, " ..
    "\\"socket_errors\\": %d, \\"non_2xx_3xx\\": %d, \\"p50_us\\": %d, \\"p90_us\\": %d, " ..
    "\\"p95_us\\": %d, \\"p99_us\\": %d, \\"max_us\\": %d}\\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    page: bool = True  # judged against the targets (``/healthz`` is the baseline)
    rotate: list[str] = field(default_factory=list)  # paths requested in turn, if any


@dataclass
class Settings:
    threads: int
    connections: int
    duration: int
    repeat: int
    latency_connections: int
    latency_duration: int


class BenchFailed(RuntimeError):
    """A step of the benchmark could not run; the message says which and why."""


# --- database ----------------------------------------------------------------------------------


def prepare_database(workdir: Path, data: Path) -> tuple[str, dict]:
    """Create a SQLite database with every table and the data; return its URL and a note."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_app import create_bench_app

    app = create_bench_app()
    with app.app_context():
        from app.extensions import db

        db.create_all()
        note = _load_data(data)
        db.session.commit()
        note["snapshots"] = _data_rich_schools(3)
        note["near_zip"] = _zip_with_schools("90012")
        note["every_school"] = _every_school()
        db.session.remove()
        db.engine.dispose()
    return url, note


def _load_data(data: Path) -> dict:
    if data.is_dir():
        from app.schools.importer import import_lausd

        started = time.perf_counter()
        import_lausd(data)
        return {"data": "real", "data_path": str(data), "import_s": _since(started)}
    from app.demo import seed_demo

    seed_demo()
    return {"data": "demo", "data_path": None, "import_s": None}


def _data_rich_schools(count: int) -> list[dict]:
    """The schools with the most published rows: the heaviest snapshots."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.schools.models import Outcome, Resource, School

    outcomes = select(func.count()).where(Outcome.cds_code == School.cds_code).scalar_subquery()
    resources = select(func.count()).where(Resource.cds_code == School.cds_code).scalar_subquery()
    rows = db.session.execute(
        select(School.cds_code, School.name, School.enrollment, outcomes + resources)
        .order_by((outcomes + resources).desc(), School.cds_code)
        .limit(count)
    ).all()
    return [{"cds": c, "name": n, "enrollment": e, "rows": r} for c, n, e, r in rows]


def _every_school() -> list[tuple[str, str]]:
    from sqlalchemy import select

    from app.extensions import db
    from app.schools.models import School

    return [tuple(row) for row in db.session.execute(select(School.cds_code, School.name))]


def _zip_with_schools(preferred: str) -> str:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.schools.models import School

    if db.session.scalar(select(func.count()).where(School.zip == preferred)):
        return preferred
    return db.session.scalar(
        select(School.zip).group_by(School.zip).order_by(func.count().desc()).limit(1)
    )


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    """A free port below the ephemeral range (load tests fill that with TIME_WAIT sockets)."""
    for port in range(21000, 32000, 7):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise BenchFailed("no free port between 21000 and 32000")


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        str(Path(__file__).resolve().parent),
        "--log-level",
        "warning",
        "bench_app:create_bench_app()",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_up(base: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailed("gunicorn exited:\n" + log.read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise BenchFailed(f"/healthz did not answer within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU time of gunicorn and its workers so far.

    Unlike requests per second, CPU time per request hardly changes when other processes
    compete for the machine, so it shows where a page's cost goes on a noisy machine.
    """
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = 0
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except OSError as exc:  # urllib's HTTPError and URLError among them
        raise BenchFailed(f"{url}: {exc}") from exc


# --- wrk ---------------------------------------------------------------------------------------


def run_wrk(
    base: str, target: Target, script: Path, threads: int, connections: int, duration: int
) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(_script_for(target, script)),
    ]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + target.path)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            stats = json.loads(line.removeprefix("WRK_JSON "))
            stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
            return stats
    raise BenchFailed(f"wrk gave no result for {target.path}:\n{done.stdout}\n{done.stderr}")


def _script_for(target: Target, script: Path) -> Path:
    """``script``, or for a target with paths to rotate through, a copy that requests them."""
    if not target.rotate:
        return script
    rotating = script.with_name(re.sub(r"\W+", "-", target.name) + ".lua")
    if not rotating.exists():
        paths = ", ".join(f'"{path}"' for path in target.rotate)
        rotating.write_text(ROTATE_SCRIPT % paths + script.read_text())
    return rotating


def measure_load(
    base: str, server_pid: int, targets: list[Target], script: Path, settings: Settings
) -> dict:
    """Every page in every repetition, each between two /healthz runs.

    A page's ratio divides its requests per second by the mean of the /healthz runs just
    before and just after it, so a burst of other load on the machine skews both sides.
    """
    for target in targets:  # warm-up: templates compiled and catalogs loaded in both workers
        run_wrk(base, target, script, 2, 4, 1)
    healthz, pages = targets[0], targets[1:]
    runs: dict[str, list[dict]] = {t.name: [] for t in targets}
    for repetition in range(settings.repeat):
        before = _loaded_run(base, server_pid, healthz, script, settings)
        runs[healthz.name].append(before)
        for target in pages:
            stats = _loaded_run(base, server_pid, target, script, settings)
            after = _loaded_run(base, server_pid, healthz, script, settings)
            runs[healthz.name].append(after)
            stats["ratio"] = stats["rps"] / ((before["rps"] + after["rps"]) / 2)
            stats["cpu_ratio"] = (before["cpu_us"] + after["cpu_us"]) / 2 / stats["cpu_us"]
            if settings.latency_duration and (target.page or target.rotate):
                latency = _latency_run(base, target, script, settings)
                stats["latency_p95_us"] = latency["p95_us"]
                stats["latency_p50_us"] = latency["p50_us"]
            runs[target.name].append(stats)
            before = after
            print(
                f"  run {repetition + 1}/{settings.repeat} {target.name}: "
                f"{stats['rps']:.0f} req/s (/healthz {after['rps']:.0f}), "
                f"ratio {stats['ratio']:.3f}, CPU {stats['cpu_us'] / 1000:.1f} ms/req, "
                f"p95 {stats['p95_us'] / 1000:.1f} ms",
                file=sys.stderr,
            )
    for stats in runs[healthz.name]:
        stats["ratio"] = stats["cpu_ratio"] = 1.0
    return {name: summarise(name, stats) for name, stats in runs.items()}


def _latency_run(base: str, target: Target, script: Path, settings: Settings) -> dict:
    """A run at the latency concurrency (by default one connection per worker)."""
    connections = settings.latency_connections
    threads = min(settings.threads, connections)
    return run_wrk(base, target, script, threads, connections, settings.latency_duration)


def _loaded_run(
    base: str, server_pid: int, target: Target, script: Path, settings: Settings
) -> dict:
    """One wrk run at the benchmark's concurrency, with gunicorn's CPU time per request."""
    cpu_before = server_cpu_seconds(server_pid)
    stats = run_wrk(base, target, script, settings.threads, settings.connections, settings.duration)
    cpu = server_cpu_seconds(server_pid) - cpu_before
    stats["cpu_us"] = max(cpu, 0.01) / max(1, stats["requests"]) * 1e6  # one clock tick at least
    return stats


def summarise(name: str, runs: list[dict]) -> dict:
    def median(key: str, scale: float = 1.0) -> float | None:
        values = [r[key] for r in runs if r.get(key) is not None]
        return round(statistics.median(values) / scale, 3) if values else None

    return {
        "rps": median("rps"),
        "ratio": median("ratio"),
        "cpu_ms": median("cpu_us", 1000),
        "cpu_ratio": median("cpu_ratio"),
        "p50_ms": median("p50_us", 1000),
        "p90_ms": median("p90_us", 1000),
        "p95_ms": median("p95_us", 1000),
        "p99_ms": median("p99_us", 1000),
        "latency_p50_ms": median("latency_p50_us", 1000),
        "latency_p95_ms": median("latency_p95_us", 1000),
        "errors": sum(r["socket_errors"] + r["non_2xx_3xx"] for r in runs),
        "runs": runs,
    }


# --- page weight -------------------------------------------------------------------------------


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def first_loads(base: str, pages: dict[str, str]) -> dict:
    """Each page loaded by Chromium with an empty cache: every response, raw and gzipped."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return {name: _first_load(browser, base + path) for name, path in pages.items()}
        finally:
            browser.close()


def _first_load(browser, url: str) -> dict:
    context = browser.new_context()  # a new context starts with an empty cache
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    resources = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # a redirect has no body
            body = b""
        resources.append(
            {
                "url": response.url.removeprefix(url.split("/en/")[0]),
                "status": response.status,
                "raw": len(body),
                "gzip": gzip_size(body) if body else 0,
                "headers": response.request.sizes()["responseHeadersSize"],
            }
        )
    context.close()
    raw = sum(r["raw"] for r in resources)
    gzipped = sum(r["gzip"] for r in resources)
    headers = sum(r["headers"] for r in resources)
    return {
        "requests": len(resources),
        "raw_bytes": raw,
        "gzip_bytes": gzipped,
        "header_bytes": headers,
        "transfer_gzip_bytes": gzipped + headers,
        "resources": resources,
    }


def fragment_sizes(base: str, targets: list[Target], note: dict) -> dict:
    sizes = {}
    for target in targets:
        sizes[target.name] = _fragment(base, target.path)
    sizes.update(largest_fragment(base, note["near_zip"], len(note["every_school"])))
    return sizes


def _fragment(base: str, path: str) -> dict:
    status, body = fetch(base + path, HX)
    if status != 200 or b"<html" in body:
        raise BenchFailed(f"{path} with HX-Request did not answer a fragment")
    return {"raw_bytes": len(body), "gzip_bytes": gzip_size(body), "path": path}


def largest_fragment(base: str, near_zip: str, schools: int) -> dict:
    """The largest results fragment over every page of a search near ``near_zip`` (every
    school, with its distance) and a few common searches, in every language."""
    from app.i18n.locales import LANGUAGES
    from app.schools.services import PER_PAGE

    searches = ["q=elementary", "q=magnet", "q=academy", "q=high", "magnet=y", "charter=y"]
    searches += [f"near={near_zip}&grade=3"]
    count = 0
    largest = {"raw_bytes": 0}
    for lang in LANGUAGES:
        paths = [f"/{lang}/schools?{query}" for query in searches]
        paths += [
            f"/{lang}/schools?near={near_zip}&page={page}"
            for page in range(1, -(-schools // PER_PAGE) + 1)
        ]
        for path in paths:
            size = _fragment(base, path)
            count += 1
            if size["raw_bytes"] > largest["raw_bytes"]:
                largest = size
    return {f"largest of {count} fragments (every school, {len(LANGUAGES)} languages)": largest}


# --- report ------------------------------------------------------------------------------------


def check_targets(results: dict) -> list[dict]:
    """One row per quality target: the measured value, the limit, met or not.

    Rows without a limit (CPU time per request, p95 with every worker saturated) are there
    to show regressions.
    """
    checks = []
    connections = results["settings"]["connections"]
    latency_connections = results["settings"]["latency_connections"]
    pages = {t["name"] for t in results["targets"] if t["page"]}
    misses = {t["name"] for t in results["targets"] if t["rotate"]}
    for name, stats in results["load"].items():
        cpu = round(stats["cpu_ms"], 3) if stats["cpu_ms"] is not None else None
        checks.append(
            {"metric": f"{name}: server CPU ms/req", "value": cpu, "target": "", "ok": None}
        )
        if name in misses and stats["latency_p95_ms"] is not None:
            # A family opening a page nobody opened lately still gets it in time.
            checks.append(
                _check(
                    f"{name}: p95 ms at -c{latency_connections} (cache misses)",
                    stats["latency_p95_ms"],
                    MAX_P95_MS,
                    "<",
                )
            )
        if name not in pages:
            continue
        checks.append(_check(f"{name}: req/s ratio to /healthz", stats["ratio"], MIN_RATIO, ">="))
        checks.append(
            _check(
                f"{name}: p95 ms at -c{latency_connections}",
                stats["latency_p95_ms"],
                MAX_P95_MS,
                "<",
            )
        )
        checks.append(
            {
                "metric": f"{name}: p95 ms at -c{connections} (saturated, queueing)",
                "value": stats["p95_ms"],
                "target": "",
                "ok": None,
            }
        )
    weight, fragments = results["weight"], results["fragments"]
    for name, page in (weight or {}).items():
        checks.append(
            _check(
                f"{name}: first load KB gzip",
                page["transfer_gzip_bytes"] / 1024,
                MAX_FIRST_LOAD_GZIP / 1024,
                "<=",
            )
        )
    for name, size in (fragments or {}).items():
        checks.append(
            _check(f"{name}: KB raw", size["raw_bytes"] / 1024, MAX_FRAGMENT_RAW / 1024, "<")
        )
    return checks


def _check(metric: str, value: float | None, limit: float, op: str) -> dict:
    ok = value is not None and {">=": value >= limit, "<": value < limit, "<=": value <= limit}[op]
    return {
        "metric": metric,
        "value": round(value, 3) if value is not None else None,
        "target": f"{op} {limit:g}",
        "ok": ok,
    }


def markdown(results: dict) -> str:
    settings = results["settings"]
    connections, latency = settings["connections"], settings["latency_connections"]
    lines = [
        "## School finder and snapshots (web_bench)",
        "",
        f"Data: {_data_line(results)}. gunicorn {WORKERS} sync workers, SQLite; wrk "
        f"-t{settings['threads']} -c{connections} -d{settings['duration']}s on "
        f"loopback, median of {settings['repeat']} repetitions. Ratio = page req/s ÷ the mean "
        "req/s of the /healthz runs just before and after it. CPU ms/req: gunicorn's CPU "
        "time (all its processes) per request during the loaded run; CPU ratio = /healthz's "
        "÷ the page's (less sensitive to other load on the machine). Latency is judged at "
        f"-c{latency} for {WORKERS} workers (-d{settings['latency_duration']}s); at "
        f"-c{connections} a request mostly waits for the ones queued ahead of it. Rows "
        f'"in turn" go through every school in {len(ROTATE_LANGUAGES)} languages, so '
        "nearly every request misses the page cache; only their p95 is judged.",
        "",
        f"| URL | req/s | ratio | CPU ms/req | CPU ratio | p50 ms -c{connections} "
        f"| p95 ms -c{connections} | p99 ms -c{connections} | p50 ms -c{latency} "
        f"| p95 ms -c{latency} | errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for target in results["targets"]:
        s = results["load"][target["name"]]
        url = f"`{target['path']}`" + (" (HX-Request)" if target["headers"] else "")
        if target["rotate"]:
            url += f" and {target['rotate'] - 1} more, in turn"
        cells = [url, f"{s['rps']:.0f}", f"{s['ratio']:.3f}", _num(s["cpu_ms"])]
        cells += [_num(s[key]) for key in ("cpu_ratio", "p50_ms", "p95_ms", "p99_ms")]
        cells += [_num(s["latency_p50_ms"]), _num(s["latency_p95_ms"]), str(s["errors"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += _weight_lines(results)
    lines += ["", "| target | value | limit | met |", "|---|--:|--:|---|"]
    for check in results["summary"]:
        met = {True: "yes", False: "**no**", None: ""}[check["ok"]]
        lines.append(f"| {check['metric']} | {_num(check['value'])} | {check['target']} | {met} |")
    return "\n".join(lines)


def _weight_lines(results: dict) -> list[str]:
    lines = [
        "",
        "| htmx fragment | raw KB | gzip KB |",
        "|---|--:|--:|",
    ]
    for name, size in results["fragments"].items():
        lines.append(
            f"| {name}: `{size['path']}` | {size['raw_bytes'] / 1024:.1f} "
            f"| {size['gzip_bytes'] / 1024:.1f} |"
        )
    if results["weight"] is None:
        return [*lines, "", f"Page weight not measured: {results['weight_error'] or 'skipped'}"]
    lines += [
        "",
        "First load in Chromium, empty cache. gunicorn does not compress: `gzip` is each body "
        "compressed at level 6, as a proxy would send it; transfer = gzip bodies + headers.",
        "",
        "| page | requests | raw KB | gzip KB | headers KB | transfer KB (gzip) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, page in results["weight"].items():
        lines.append(
            f"| {name} (`{results['pages'][name]}`) | {page['requests']} "
            f"| {page['raw_bytes'] / 1024:.1f} | {page['gzip_bytes'] / 1024:.1f} "
            f"| {page['header_bytes'] / 1024:.1f} | {page['transfer_gzip_bytes'] / 1024:.1f} |"
        )
    return lines


def _data_line(results: dict) -> str:
    note = results["data"]
    if note["data"] == "real":
        return f"real LAUSD package ({note['data_path']}, imported in {note['import_s']} s)"
    return "**demo data** (no data package found: numbers are not issue 3's)"


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


# --- main --------------------------------------------------------------------------------------


def build_targets(note: dict) -> list[Target]:
    targets = [
        Target("healthz", "/healthz", page=False),
        # A reference, not judged: a page with no query shows what rendering alone costs.
        Target("home", "/en/", page=False),
        Target("finder q=elementary", "/en/schools?q=elementary"),
        Target(
            f"finder near={note['near_zip']}&grade=3",
            f"/en/schools?near={note['near_zip']}&grade=3",
        ),
        Target("finder fragment q=elementary", "/en/schools?q=elementary", dict(HX)),
    ]
    for school in note["snapshots"]:
        targets.append(Target(f"snapshot {school['name']}", f"/en/schools/{school['cds']}"))
    schools = note["every_school"]
    snapshots = [f"/{lang}/schools/{cds}" for cds, _ in schools for lang in ROTATE_LANGUAGES]
    searches = [
        f"/{lang}/schools?q={quote_plus(name)}" for _, name in schools for lang in ROTATE_LANGUAGES
    ]
    for name, paths in (
        (f"snapshot, {len(schools)} schools", snapshots),
        (f"finder, {len(schools)} names", searches),
    ):
        targets.append(Target(f"{name} in turn", paths[0], page=False, rotate=paths))
    return targets


def check_pages(base: str, targets: list[Target]) -> None:
    for target in targets:
        status, _ = fetch(base + target.path, target.headers)
        if status != 200:
            raise BenchFailed(f"{target.path} answered {status}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="LAUSD data package")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (medians reported)")
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=WORKERS,
        help="connections of the run that judges p95 (default: one per worker)",
    )
    parser.add_argument(
        "--latency-duration",
        type=int,
        default=3,
        help="seconds of that run per page (0: skip)",
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the page weights")
    parser.add_argument("--quick", action="store_true", help="one short repetition (smoke test)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install -y wrk`, then run again.", file=sys.stderr)
        return 2
    if args.quick:
        args.duration, args.repeat = 2, 1
        args.latency_duration = min(args.latency_duration, 1)
    settings = Settings(
        args.threads,
        args.connections,
        args.duration,
        args.repeat,
        args.latency_connections,
        args.latency_duration,
    )
    workdir = Path(tempfile.mkdtemp(prefix="web_bench-", dir="/tmp"))
    server = None
    try:
        database_url, note = prepare_database(workdir, args.data)
        if note["data"] == "demo":
            print(f"No data package at {args.data}: seeded the DEMO data instead.", file=sys.stderr)
        targets = build_targets(note)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(database_url, port, workdir / "gunicorn.log")
        wait_until_up(base, server, workdir / "gunicorn.log")
        check_pages(base, targets)
        script = workdir / "report.lua"
        script.write_text(WRK_SCRIPT)
        results = measure(base, server.pid, targets, script, settings, note, args.no_browser)
    except BenchFailed as exc:
        print(f"web_bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    failed = results["weight_error"] and not args.no_browser
    return 1 if failed else 0


def measure(
    base: str,
    server_pid: int,
    targets: list[Target],
    script: Path,
    settings: Settings,
    note: dict,
    no_browser: bool,
) -> dict:
    pages = {
        "home": "/en/",
        "finder": "/en/schools?q=elementary",
        "snapshot": f"/en/schools/{note['snapshots'][0]['cds']}",
    }
    results = {
        "benchmark": "web_bench",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": platform.python_version(),
        "settings": vars(settings),
        "data": {k: v for k, v in note.items() if k != "every_school"},
        "targets": [{**vars(t), "rotate": len(t.rotate)} for t in targets],
        "pages": pages,
        "load": measure_load(base, server_pid, targets, script, settings),
        "fragments": fragment_sizes(base, [t for t in targets if t.headers], note),
        "weight": None,
        "weight_error": "skipped (--no-browser)" if no_browser else None,
    }
    if not no_browser:
        try:
            results["weight"] = first_loads(base, pages)
        except Exception as exc:  # no Chromium or no Playwright: say so, keep the rest
            results["weight_error"] = f"{type(exc).__name__}: {exc}"[:500]
    # ``summary`` is what run_all.py tabulates: one row per quality target.
    results["summary"] = check_targets(results)
    return results


if __name__ == "__main__":
    sys.exit(main())
