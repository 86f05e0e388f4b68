"""Fixtures shared by every test: the app on a throwaway database, clients, accounts, mail.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
Tests that need Chromium or PostgreSQL skip with a reason when those are missing, unless
``REQUIRE_BROWSER=1`` / ``REQUIRE_POSTGRES=1`` (set by CI) turn the skip into a failure.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app
from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.cache import pages
from app.extensions import db as _db
from app.extensions import limiter
from app.timeutil import utcnow
from config import TestingConfig
from tests.support.smtp import SmtpServer

PASSWORD = "correct horse battery"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def pytest_sessionstart(session):
    compile_catalogs()


def compile_catalogs() -> None:
    """Compile any catalog whose .po is newer than its .mo, so tests see current translations."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)


def pytest_runtest_setup(item):
    for marker, available, need, reason in (
        ("browser", HAVE_CHROMIUM, "REQUIRE_BROWSER", f"Chromium not found at {CHROMIUM}"),
        ("postgres", ON_POSTGRES, "REQUIRE_POSTGRES", "needs TEST_DATABASE_URL (make test-pg)"),
    ):
        if marker in item.keywords and not available:
            if os.environ.get(need) == "1":
                pytest.fail(f"{reason}, and {need}=1 says it must run")
            pytest.skip(reason)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    config = TestingConfig()
    # A copy of the catalogs: approving a translation in the workbench (a sweep that posts to
    # every route does) writes the catalogs, and a test must never write the repository's.
    catalogs = tmp_path_factory.mktemp("translations") / "translations"
    shutil.copytree(Path(config.BABEL_TRANSLATION_DIRECTORIES), catalogs)
    config.BABEL_TRANSLATION_DIRECTORIES = str(catalogs)
    if not ON_POSTGRES:
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    application = create_app(config)
    application.test_client_class = Client
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts with empty tables and fresh rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        _db.session.remove()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
    limiter.reset()
    pages.clear()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


class Client(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would.

    Each request runs in a fresh context, as in a real server: an app context that a test
    holds open (the ``db`` fixture) is not shared with the request, so neither is ``g``.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self, page: str = "/en/") -> str:
        html = self.get(page).get_data(as_text=True)
        match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
        if match is None and "/account/sign-in" not in page:
            # A signed-out visitor gets a token only from a page with a form, such as sign-in.
            return self.csrf_token("/en/account/sign-in")
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with a token taken from ``page`` (default: ``url``)."""
        token = self.csrf_token(page or url)
        return self.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a verified account: ``make_user("a@x.test", roles=[(Role.ADMIN, "")])``."""

    def factory(
        email: str = "parent@example.test",
        password: str = PASSWORD,
        roles: list[tuple[Role, str]] | None = None,
        verified: bool = True,
        locale: str = "en",
    ) -> User:
        with app.app_context():
            user = User(
                email=email, locale=locale, email_verified_at=utcnow() if verified else None
            )
            user.set_password(password)
            for role, scope in roles if roles is not None else [(Role.FAMILY, "")]:
                user.grants.append(RoleGrant(role=role, scope=scope))
            _db.session.add(user)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return factory


def sign_in(client: Client, email: str, password: str = PASSWORD, lang: str = "en"):
    return client.submit(f"/{lang}/account/sign-in", {"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Sign the ``client`` in as a new account holding ``role`` (with ``scope``)."""

    def login(role: Role | None = Role.FAMILY, scope: str = "", email: str | None = None) -> User:
        roles = [(role, scope)] if role else []
        user = make_user(email or f"{role or 'nobody'}.{scope or 'all'}@example.test", roles=roles)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app delivers to it."""
    server = SmtpServer()
    server.start()
    previous = app.config["MAIL_PORT"], app.config["MAIL_SERVER"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    yield server
    app.config["MAIL_PORT"], app.config["MAIL_SERVER"] = previous
    server.stop()


@pytest.fixture
def deliver(app, smtp):
    """Run the outbox sender once, as ``flask outbox send`` would."""
    from app.notifications.services import send_pending

    def run():
        with app.app_context():
            return send_pending()

    return run


# --- real browser: a live server on 127.0.0.1 and the system's Chromium ---------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A phone: most families use one.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}
