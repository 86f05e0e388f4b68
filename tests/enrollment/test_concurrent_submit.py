"""Two tabs (or eight) sending the same draft at once, on PostgreSQL: one wins cleanly."""

import re
import threading

import pytest

from app.accounts.access import Role
from app.enrollment.models import Application
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from tests.conftest import sign_in
from tests.enrollment.factories import CHILD, add, application, count, make_world, start, version

pytestmark = pytest.mark.postgres

TABS = 8


@pytest.fixture
def draft(app, client, make_user):
    world = make_world(app)
    make_user("tabs@example.test", roles=[(Role.FAMILY, "")])
    sign_in(client, "tabs@example.test")
    application_id = start(client)
    add(client, application_id, world.programs["magnet"], app)
    return application_id


def _tabs(app, application_id: int, page: str) -> list:
    """``TABS`` signed-in browsers, each with ``page`` open (its form and token)."""
    tabs = []
    for _ in range(TABS):
        tab = app.test_client()
        sign_in(tab, "tabs@example.test")
        html = tab.get(page).get_data(as_text=True)
        csrf = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        tabs.append((tab, csrf, html))
    return tabs


def _all_at_once(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_submissions_of_one_draft_store_one(app, draft):
    url = f"/en/apply/{draft}/submit"
    tabs = _tabs(app, draft, f"/en/apply/{draft}/review")
    shown = version(app, draft)

    def sender(tab, csrf, index):
        return lambda: tab.post(url, data={"csrf_token": csrf, "confirm": "y", "version": shown,
                                           "submission_token": f"tab-{index}"})

    responses = _all_at_once([sender(tab, csrf, i) for i, (tab, csrf, _) in enumerate(tabs)])
    assert all(r is not None and r.status_code == 302 for r in responses), [
        r and r.status_code for r in responses]
    winners = [r for r in responses if "sent=1" in r.headers["Location"]]
    assert len(winners) == 1
    sent = application(app, draft)
    assert sent.status == "submitted" and sent.confirmation_number
    assert count(app, Application) == 1
    assert count(app, OutboxMessage, OutboxMessage.template == "enrollment_submitted") == 1


def test_retries_of_one_submission_are_one_submission(app, draft):
    url = f"/en/apply/{draft}/submit"
    tabs = _tabs(app, draft, f"/en/apply/{draft}/review")
    shown = version(app, draft)

    def retry(tab, csrf):
        return lambda: tab.post(url, data={"csrf_token": csrf, "confirm": "y", "version": shown,
                                           "submission_token": "the-same-click"})

    responses = _all_at_once([retry(tab, csrf) for tab, csrf, _ in tabs])
    assert all(r.status_code == 302 for r in responses)
    assert count(app, OutboxMessage, OutboxMessage.template == "enrollment_submitted") == 1
    with app.app_context():
        assert _db.session.scalar(_db.select(Application.submission_token)) == "the-same-click"


def test_concurrent_saves_of_one_version_let_one_win(app, draft):
    url = f"/en/apply/{draft}/child"
    tabs = _tabs(app, draft, url)
    shown = version(app, draft)

    def saver(tab, csrf, index):
        return lambda: tab.post(url, data={**CHILD, "csrf_token": csrf, "version": shown,
                                           "first_name": f"Name{index}"})

    responses = _all_at_once([saver(tab, csrf, i) for i, (tab, csrf, _) in enumerate(tabs)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [302] + [422] * (TABS - 1), codes
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    assert application(app, draft).child_first_name == f"Name{winner}"
    assert version(app, draft) == shown + 1
    for response in responses:
        if response.status_code == 422:
            assert "changed in another window" in response.get_data(as_text=True)
