"""axe-core on every page of the app, as each kind of user reaches it, in English, Spanish and
Arabic, at phone width. Pages come from the URL map with demo data, not from a hand-made list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from app.accounts.models import RoleGrant, User
from app.demo import DEMO_PASSWORD
from app.extensions import db as _db
from tests.support.axe import assert_accessible
from tests.test_authorization_sweep import SAMPLES, _allowed, _url, demo  # noqa: F401

pytestmark = pytest.mark.browser

VISITORS = {
    "anonymous": None,
    "family": "family@demo.test",
    "staff": "staff@demo.test",
    "enrollment": "enrollment@demo.test",
    "academy": "academy@demo.test",
    "reviewer_es": "reviewer.es@demo.test",
    "admin": "admin@demo.test",
}
NOT_PAGES = ("root.healthz", "root.choose_language", "accounts.verify", "accounts.reset_password")


def pages_for(app, email) -> list[str]:
    with app.app_context():
        grants = None
        if email:
            user = _db.session.scalar(select(User).where(User.email == email))
            grants = [RoleGrant(role=g.role, scope=g.scope) for g in user.grants]
        urls = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint in NOT_PAGES:
                continue
            url = _url(app, rule)
            if url is None:
                continue
            values = {n: str(SAMPLES[n]()) for n in rule.arguments - {"lang_code"}}
            if _allowed(app.view_functions[rule.endpoint].access, grants, values):
                urls.append(url)
    return urls


def test_every_page_has_no_accessibility_violations(app, demo, browser: Browser, base_url):  # noqa: F811
    visited: set[str] = set()
    problems = []
    for email in VISITORS.values():
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        if email:
            page.goto(f"{base_url}/en/account/sign-in")
            page.locator("#email").fill(email)
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
        for url in pages_for(app, email):
            if url in visited:
                continue
            visited.add(url)
            for lang in ("en", "es", "ar"):
                localized = url.replace("/en/", f"/{lang}/", 1)
                # Calendar files, CSV and .po downloads are not pages.
                probe = page.request.get(base_url + localized)
                if "text/html" not in (probe.headers.get("content-type") or ""):
                    break
                page.goto(base_url + localized)
                try:
                    assert_accessible(page)
                except AssertionError as failure:
                    problems.append(str(failure)[:1500])
        context.close()
    assert len(visited) >= 15
    assert not problems, "\n\n".join(problems[:10])
