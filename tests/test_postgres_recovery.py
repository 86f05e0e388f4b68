"""PostgreSQL restarts in the middle of a run of requests: the app recovers, nothing committed is lost."""

import glob
import os
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.extensions import db as _db


def restart_postgres(app):
    with app.app_context():
        data_dir = _db.session.scalar(text("SHOW data_directory"))
        _db.session.remove()
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    command = [pg_ctl, "-D", data_dir, "-m", "fast", "-w", "restart"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.postgres
def test_the_app_recovers_after_a_database_restart_without_losing_data(app, client, make_user):
    for number in range(5):
        make_user(f"parent{number}@example.test")
    statuses, stop = [], threading.Event()

    def keep_asking():
        asker = app.test_client()
        while not stop.is_set():
            statuses.append(asker.get("/healthz").status_code)
            time.sleep(0.02)

    thread = threading.Thread(target=keep_asking)
    thread.start()
    try:
        time.sleep(0.3)
        restart_postgres(app)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and client.get("/healthz").status_code != 200:
            time.sleep(0.2)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert client.get("/healthz").status_code == 200
    assert set(statuses) <= {200, 503}, set(statuses)
    assert statuses[-1] == 200
    # Pages work again, and what was committed before the restart is all there.
    assert client.get("/en/account/sign-in").status_code == 200
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(User)) == 5


def test_a_page_during_an_outage_is_a_translated_503(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(_db.session, "execute", unreachable)
    monkeypatch.setattr(_db.session, "scalar", unreachable)
    response = client.get("/es/schools?q=x")
    assert response.status_code == 503
    assert 'lang="es"' in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"
