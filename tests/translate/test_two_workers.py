"""An approval reaches every worker process within seconds, without a restart.

gunicorn runs the app with two worker processes on a temporary database (SQLite file, or a
PostgreSQL database of its own when TEST_DATABASE_URL is set) and a temporary copy of the
catalogs. Which worker answered a request is read from gunicorn's own access log (``%(p)s``,
the worker's pid, next to a unique ``probe`` number in the query string), so the app needs
no test-only code; requests are sent over many parallel connections so that both workers
answer (they share the listening socket).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PAGE = "/es/account/sign-in"
MSGID = "Skip to main content"
NEW = "Saltar al contenido principal"
PASSWORD = "correct horse battery"

WSGI = """
import os
from app import create_app
from config import TestingConfig

config = TestingConfig()
config.SQLALCHEMY_DATABASE_URI = os.environ["WORKERS_DATABASE_URL"]
config.BABEL_TRANSLATION_DIRECTORIES = os.environ["WORKERS_CATALOGS"]
app = create_app(config)
"""


def database_url(tmp_path: Path) -> str:
    from config import TestingConfig

    if not os.environ.get("TEST_DATABASE_URL"):
        return f"sqlite:///{tmp_path / 'workers.db'}"
    url = TestingConfig().SQLALCHEMY_DATABASE_URI
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS workbench_workers"))
        connection.execute(sa.text("CREATE DATABASE workbench_workers"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/workbench_workers"


def prepare(url: str, catalogs: Path) -> int:
    """Tables, the messages from the catalogs, a Spanish reviewer; returns the message id."""
    from app import create_app
    from app.accounts.access import Role
    from app.accounts.models import RoleGrant, User
    from app.extensions import db
    from app.timeutil import utcnow
    from app.translate import services
    from app.translate.models import Message, message_key
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.BABEL_TRANSLATION_DIRECTORIES = str(catalogs)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        services.sync(with_locations=False)
        user = User(email="reviewer@example.test", locale="es", email_verified_at=utcnow())
        user.set_password(PASSWORD)
        user.grants.append(RoleGrant(role=Role.REVIEWER, scope="es"))
        db.session.add(user)
        db.session.commit()
        message = db.session.scalar(sa.select(Message.id).where(Message.key == message_key(MSGID)))
        db.session.remove()
        db.engine.dispose()
    return message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def workers(tmp_path, pristine_catalogs):
    catalogs = tmp_path / "translations"
    shutil.copytree(pristine_catalogs, catalogs)
    url = database_url(tmp_path)
    message_id = prepare(url, catalogs)
    (tmp_path / "workers_app.py").write_text(WSGI)
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "WORKERS_DATABASE_URL": url,
        "WORKERS_CATALOGS": str(catalogs),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(tmp_path),
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(q)s %(s)s",
            "--graceful-timeout",
            "2",
            "workers_app:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail((tmp_path / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.2)
    yield {"base": base, "log": log, "catalogs": catalogs, "message_id": message_id}
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Probe:
    """GETs of one page, each with a unique number, over parallel connections."""

    def __init__(self, base: str, log: Path):
        self.base, self.log, self.numbers = base, log, count()
        self.bodies: dict[int, str] = {}

    def fetch(self, number: int) -> None:
        with urllib.request.urlopen(f"{self.base}{PAGE}?probe={number}", timeout=10) as response:  # noqa: S310
            self.bodies[number] = response.read().decode()

    def batch(self, size: int = 8) -> list[int]:
        numbers = [next(self.numbers) for _ in range(size)]
        with ThreadPoolExecutor(size) as pool:
            list(pool.map(self.fetch, numbers))
        return numbers

    def workers(self) -> dict[int, int]:
        """probe number -> pid of the worker that answered it."""
        found = {}
        for line in self.log.read_text().splitlines():
            match = re.match(r"<(\d+)> probe=(\d+) 200", line)
            if match:
                found[int(match.group(2))] = int(match.group(1))
        return found


def sign_in_and_approve(base: str, message_id: int) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def post(path: str, fields: dict) -> int:
        page = opener.open(base + path).read().decode()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        return opener.open(base + path, data).status

    assert post(PAGE, {"email": "reviewer@example.test", "password": PASSWORD}) == 200
    assert post(f"/es/translate/messages/{message_id}", {"action": "approve", "text0": NEW}) == 200


def test_an_approval_reaches_both_workers_within_five_seconds(workers, shipped):
    old = shipped("es", MSGID)
    probe = Probe(workers["base"], workers["log"])
    # Both workers have served the page, so both hold the old catalog in memory.
    deadline = time.monotonic() + 20
    while len(set(probe.workers().values())) < 2:
        assert time.monotonic() < deadline, "only one worker ever answered"
        probe.batch()
        time.sleep(0.05)
    assert all(old in body and NEW not in body for body in probe.bodies.values())

    sign_in_and_approve(workers["base"], workers["message_id"])
    approved_at = time.monotonic()
    first_new: dict[int, float] = {}
    while len(first_new) < 2:
        elapsed = time.monotonic() - approved_at
        assert elapsed < 5, f"after {elapsed:.1f} s only workers {sorted(first_new)} show it"
        numbers = probe.batch()
        answered = probe.workers()
        for number in numbers:
            if NEW in probe.bodies[number] and number in answered:
                first_new.setdefault(answered[number], time.monotonic() - approved_at)
    assert len(first_new) == 2
    # Once a worker shows the change, it keeps showing it.
    later = probe.batch(16)
    assert all(NEW in probe.bodies[number] for number in later)
    po = (workers["catalogs"] / "es" / "LC_MESSAGES" / "messages.po").read_text()
    assert f'msgid "{MSGID}"\nmsgstr "{NEW}"' in po
    assert NEW not in (ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po").read_text()
