"""Deadline night: many families sign in, fill and submit applications at the same time.

    python scripts/pg_throwaway.py -- .venv/bin/python benchmarks/enrollment_load.py

Against a throwaway PostgreSQL database (``DATABASE_URL``, else ``TEST_DATABASE_URL`` as
``scripts/pg_throwaway.py`` sets it), the script

1. creates the tables and seeds the demo schools, programs and open cycle, and ``--families``
   accounts (``load.NNN@bench.test``);
2. starts gunicorn with ``--workers`` sync workers on 127.0.0.1 (loopback only);
3. runs one thread per family. First the families sign in, their arrivals spread over
   ``--ramp`` seconds (the password check costs about 0.1 to 0.2 s of CPU each: 200 of them
   inside the measured minute would measure scrypt on two cores, not the application). Then, for
   ``--seconds``, each family applies for one child after another: starts an application, adds
   three programs (with htmx, as the browser does), opens the review and submits it; a tenth of
   the submissions are sent twice, as a double click or a retry would. Each family waits
   ``--think`` seconds (uniformly 0.5x to 1.5x) between pages, as people do. No request starts
   after the time is up; requests in flight are waited for (at most 30 s);
4. stops gunicorn and checks the database: every acknowledged submission (a confirmation number
   shown to the family) is stored exactly once, as submitted, for that family, with one
   confirmation email; nothing else was submitted.

It prints submissions per second, request latency (p50, p99: every request but the sign-in
POST, whose password check is deliberately slow and is reported on its own; and submissions
alone), errors (5xx, connection failures, unexpected answers) and the check, and exits non-zero
if a check fails or p99 is 500 ms or more. Bounded in time (``--seconds`` <= 600) and count
(``--families`` <= 1000).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only
PASSWORD = "bench-password"  # noqa: S105  (throwaway accounts on a throwaway database)
EMAIL = "load.{:04d}@bench.test"

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
CLIENT_TOKEN = re.compile(r'name="client_token" type="hidden" value="([0-9a-f]+)"')
ADD_FORM = re.compile(r'name="cycle_program" value="(\d+)"')
SUBMISSION_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([0-9a-f]+)"')
VERSION = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')
NUMBER = re.compile(r'confirmation-box__number"><bdi>(UE\d\d-\w{4}-\w{4})</bdi>')


# --- setup ------------------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Needs a PostgreSQL DATABASE_URL (run it through scripts/pg_throwaway.py).")
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("Refusing a database that is not on this machine.")
    return url


def seed(families: int) -> None:
    """Tables, demo schools, programs and the open cycle, and the families' accounts."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    from bench_app import create_bench_app
    from werkzeug.security import generate_password_hash

    from app.accounts.access import Role
    from app.accounts.models import RoleGrant, User
    from app.demo import seed_accounts
    from app.enrollment import demo as enrollment_demo
    from app.extensions import db
    from app.schools import demo as schools_demo
    from app.timeutil import utcnow

    app = create_bench_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_accounts()
        schools_demo.seed_demo()
        enrollment_demo.seed_demo()
        password = generate_password_hash(PASSWORD)  # one hash for all: seeding stays fast
        for number in range(families):
            user = User(email=EMAIL.format(number), locale=random.choice(("en", "es", "ko")),
                        email_verified_at=utcnow(), password_hash=password)
            user.grants.append(RoleGrant(role=Role.FAMILY))
            db.session.add(user)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers),
        "--bind", f"{HOST}:{port}", "--pythonpath", str(ROOT / "benchmarks"),
        "--log-level", "warning", "--timeout", "60", "bench_app:create_bench_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time used so far by gunicorn's workers (the application's own cost)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:  # the parent is the gunicorn master
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- the families -----------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    submit_latencies: list[float] = field(default_factory=list)
    sign_in_latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    by_step: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[tuple[str, int, str]] = field(default_factory=list)  # email, id, number
    double_sends: int = 0

    def record(self, method: str, path: str, status: int, seconds: float) -> None:
        with self.lock:
            if method == "POST" and path.endswith("/sign-in"):
                # The password check is deliberately slow (scrypt): reported on its own.
                self.sign_in_latencies.append(seconds)
            else:
                self.latencies.append(seconds)
            if path.endswith("/submit"):
                self.submit_latencies.append(seconds)
            self.by_step.setdefault(step(method, path), []).append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.errors.append(f"{status} {method} {path}")

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def step(method: str, path: str) -> str:
    """A request's page, without ids: ``POST /apply/<id>/choices/add``."""
    return f"{method} " + re.sub(r"/\d+", "/<id>", path.split("?")[0].removeprefix("/en"))


class Stop(Exception):
    pass


class Family:
    """One browser: its cookies, and the pages it goes through."""

    def __init__(self, number: int, port: int, stats: Stats, until: float, think: float,
                 seed: int = 0):
        self.email = EMAIL.format(number)
        self.port = port
        self.stats = stats
        self.until = until
        self.think_time = think
        self.cookies: dict[str, str] = {}
        self.signed_in = False
        self.rng = random.Random(seed * 100_000 + number)  # noqa: S311 - load shape only

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False,
                finishing: bool = False):
        """One request; none starts after the time is up, except one ``finishing`` a step
        (reading the confirmation number of a submission the server already took)."""
        if time.monotonic() >= self.until and not finishing:
            raise Stop
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        except OSError as exc:
            self.stats.error(f"{type(exc).__name__} {method} {path}")
            raise Stop from exc
        finally:
            connection.close()
        self.stats.record(method, path, response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text

    def expect(self, found, what: str, path: str):
        if found is None:
            self.stats.error(f"unexpected answer: no {what} on {path}")
            raise Stop
        return found

    def think(self) -> None:
        time.sleep(self.think_time * self.rng.uniform(0.5, 1.5))

    def arrive(self, ramp: float, until: float, gate: threading.Semaphore) -> None:
        """Sign in at a random moment of the first ``ramp`` seconds (at most a few at once:
        the password checks would otherwise time out on a small machine)."""
        time.sleep(self.rng.uniform(0, ramp))
        saved, self.until = self.until, until
        try:
            with gate:
                self.sign_in()
            self.signed_in = True
        except Stop:
            pass
        finally:
            self.until = saved

    def run(self) -> None:
        if not self.signed_in:
            return
        time.sleep(self.rng.uniform(0, self.think_time))  # not all in step
        try:
            child = 0
            while True:
                self.apply(child)
                child += 1
        except Stop:
            return

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/en/account/sign-in")
        csrf = self.expect(CSRF.search(page), "CSRF token", "sign-in").group(1)
        self.think()
        status, location, _ = self.request(
            "POST", "/en/account/sign-in",
            {"csrf_token": csrf, "email": self.email, "password": PASSWORD},
        )
        if status != 302:
            self.stats.error(f"sign-in answered {status}")
            raise Stop

    def apply(self, child: int) -> None:
        _, _, page = self.request("GET", "/en/apply/new")
        csrf = self.expect(CSRF.search(page), "CSRF token", "/apply/new").group(1)
        token = self.expect(CLIENT_TOKEN.search(page), "client token", "/apply/new").group(1)
        self.think()
        status, location, _ = self.request("POST", "/en/apply/new", {
            "csrf_token": csrf, "client_token": token, "first_name": f"Kid{child}",
            "last_name": self.email.split("@")[0], "date_of_birth": "2021-03-04", "grade": "0",
            "street": "1 Test Street", "city": "Los Angeles", "zip_code": "90012",
            "home_language": "es",
        })
        match = re.search(r"/en/apply/(\d+)/choices", location)
        application_id = int(self.expect(match, "redirect to the choices", "/apply/new").group(1))
        choices = f"/en/apply/{application_id}/choices"
        _, _, page = self.request("GET", choices)
        offered = ADD_FORM.findall(page)
        self.expect(offered or None, "program to add", choices)
        for program in self.rng.sample(offered, min(3, len(offered))):
            self.think()
            status, _, fragment = self.request(
                "POST", f"/en/apply/{application_id}/choices/add",
                {"csrf_token": csrf, "cycle_program": program}, htmx=True)
            if status != 200 or 'id="choices"' not in fragment:
                self.stats.error(f"add answered {status}")
                raise Stop
        self.think()
        review = f"/en/apply/{application_id}/review"
        _, _, page = self.request("GET", review)
        form = {
            "csrf_token": csrf, "confirm": "y",
            "submission_token": self.expect(SUBMISSION_TOKEN.search(page), "token", review)
            .group(1),
            "version": self.expect(VERSION.search(page), "version", review).group(1),
        }
        self.think()
        status, location, _ = self.request("POST", f"/en/apply/{application_id}/submit", form)
        if self.rng.random() < 0.1:  # a double click, or a retry after a slow answer
            again, location_again, _ = self.request(
                "POST", f"/en/apply/{application_id}/submit", form, finishing=True)
            with self.stats.lock:
                self.stats.double_sends += 1
            if again != 302 or location_again != location:
                self.stats.error(f"resending answered {again} {location_again}")
        if status != 302 or "sent=1" not in location:
            self.stats.error(f"submit answered {status} {location}")
            raise Stop
        _, _, page = self.request("GET", urlsplit(location).path + "?sent=1", finishing=True)
        number = self.expect(NUMBER.search(page), "confirmation number", location).group(1)
        with self.stats.lock:
            self.stats.acknowledged.append((self.email, application_id, number))
        self.think()


# --- the check --------------------------------------------------------------------------------


def check(acknowledged: list[tuple[str, int, str]]) -> dict:
    from bench_app import create_bench_app
    from sqlalchemy import func, select

    from app.accounts.models import User
    from app.enrollment.models import Application
    from app.extensions import db
    from app.notifications.models import OutboxMessage

    app = create_bench_app()
    with app.app_context():
        rows = db.session.execute(
            select(Application.id, Application.confirmation_number, Application.status, User.email)
            .join(User, Application.user_id == User.id)
            .where(User.email.like("load.%"), Application.status == "submitted")
        ).all()
        stored = Counter(number for _, number, _, _ in rows)
        by_number = {number: (id_, email) for id_, number, _, email in rows}
        mails = db.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.template == "enrollment_submitted",
                   OutboxMessage.recipient.like("load.%"))
        )
        children = db.session.execute(
            select(Application.user_id, Application.child_first_name, func.count())
            .join(User, Application.user_id == User.id)
            .where(Application.status == "submitted", User.email.like("load.%"))
            .group_by(Application.user_id, Application.child_first_name)
            .having(func.count() > 1)
        ).all()
    seen = Counter(number for _, _, number in acknowledged)
    lost = [n for n in seen if stored.get(n, 0) == 0]
    duplicated = [n for n, c in stored.items() if c > 1] + [n for n, c in seen.items() if c > 1]
    wrong = [n for email, id_, n in acknowledged if by_number.get(n) not in (None, (id_, email))]
    unacknowledged = [n for n in stored if n not in seen]
    return {
        "acknowledged": len(acknowledged),
        "stored_submitted": len(rows),
        "lost": len(lost),
        "duplicated": len(duplicated) + len(children),
        "wrong_family_or_id": len(wrong),
        "stored_but_not_acknowledged": len(unacknowledged),
        "confirmation_emails": mails,
        "ok": not (lost or duplicated or children or wrong or unacknowledged)
        and mails == len(acknowledged),
    }


# --- main -------------------------------------------------------------------------------------


def _together(calls, deadline: float) -> None:
    threads = [threading.Thread(target=call, args=args, daemon=True) for call, args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds between a family's pages (default 10)")
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="families sign in over this many seconds (default 30)")
    parser.add_argument("--port", type=int, default=25077)
    parser.add_argument("--seed", type=int, default=2027, help="the load's random choices")
    args = parser.parse_args()
    if not (1 <= args.families <= 1000 and 1 <= args.seconds <= 600):
        sys.exit("--families must be 1 to 1000 and --seconds 1 to 600")

    url = database_url()
    env = {**os.environ, "DATABASE_URL": url}
    os.environ["DATABASE_URL"] = url
    print(f"seeding {args.families} families and the demo cycle ...", flush=True)
    seed(args.families)
    server = start_gunicorn(args.port, args.workers, env)
    stats = Stats()
    try:
        # Phase 1: the families arrive and sign in (spread over --ramp seconds).
        families = [Family(n, args.port, stats, 0.0, args.think, args.seed)
                    for n in range(args.families)]
        print(f"{args.families} families sign in over {args.ramp:.0f} s ...", flush=True)
        gate = threading.Semaphore(args.workers * 2)
        sign_in_until = time.monotonic() + args.ramp + 240
        _together([(f.arrive, (args.ramp, sign_in_until, gate)) for f in families],
                  sign_in_until + 30)
        sign_in_stats, stats = stats, Stats()
        stats.sign_in_latencies = sign_in_stats.sign_in_latencies
        stats.errors = sign_in_stats.errors
        stats.statuses = sign_in_stats.statuses
        # Phase 2: for --seconds, every family applies for one child after another.
        cpu_before = cpu_seconds(server)
        began = time.monotonic()
        until = began + args.seconds
        for family in families:
            family.stats, family.until = stats, until
        print(f"{sum(f.signed_in for f in families)} families apply for {args.seconds:.0f} s "
              f"against gunicorn ({args.workers} workers) on {HOST}:{args.port} ...", flush=True)
        _together([(f.run, ()) for f in families], until + 30)
        elapsed = time.monotonic() - began
        app_cpu = cpu_seconds(server) - cpu_before
    finally:
        stop(server)
    result = check(list(stats.acknowledged))
    server_errors = sum(c for s, c in stats.statuses.items() if s >= 500)
    report = {
        "families": args.families,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "think_seconds": args.think,
        "requests": len(stats.latencies) + len(stats.sign_in_latencies),
        "requests_per_second": round(
            (len(stats.latencies) + len(stats.sign_in_latencies)) / elapsed, 1),
        "submissions": len(stats.acknowledged),
        "submissions_per_second": round(len(stats.acknowledged) / elapsed, 2),
        "double_sends": stats.double_sends,
        "latency_ms": {
            "p50": round(percentile(stats.latencies, 0.50) * 1000, 1),
            "p99": round(percentile(stats.latencies, 0.99) * 1000, 1),
            "max": round(max(stats.latencies, default=0) * 1000, 1),
            "mean": round(statistics.fmean(stats.latencies) * 1000, 1) if stats.latencies else 0,
        },
        "sign_in_latency_ms": {
            "count": len(stats.sign_in_latencies),
            "p50": round(percentile(stats.sign_in_latencies, 0.50) * 1000, 1),
            "p99": round(percentile(stats.sign_in_latencies, 0.99) * 1000, 1),
        },
        "submit_latency_ms": {
            "p50": round(percentile(stats.submit_latencies, 0.50) * 1000, 1),
            "p99": round(percentile(stats.submit_latencies, 0.99) * 1000, 1),
        },
        "app_cpu_ms_per_request": round(app_cpu * 1000 / max(1, len(stats.latencies)), 1),
        "load_average": os.getloadavg()[0],
        "p50_ms_by_step": {
            name: round(percentile(values, 0.5) * 1000, 1)
            for name, values in sorted(stats.by_step.items())
        },
        "statuses": dict(sorted(stats.statuses.items())),
        "server_errors_5xx": server_errors,
        "other_errors": len(stats.errors) - server_errors,
        "error_examples": stats.errors[:10],
        "database_check": result,
    }
    print(json.dumps(report, indent=2))
    passed = (result["ok"] and server_errors == 0 and not stats.errors
              and report["latency_ms"]["p99"] < 500)
    print("PASS" if passed else "FAIL: see above")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
