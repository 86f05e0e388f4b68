"""``flask seed demo`` makes every documented demo account, idempotently."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import RoleGrant, User
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.extensions import db as _db
from tests.conftest import sign_in


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seeding_twice_changes_nothing(app):
    assert "7 created" in seed(app)
    assert "0 created" in seed(app)
    with app.app_context():
        demo = User.email.in_(DEMO_ACCOUNTS)
        assert _db.session.scalar(select(func.count()).select_from(User).where(demo)) == len(
            DEMO_ACCOUNTS
        )
        grants = (
            select(func.count()).select_from(RoleGrant).join(User, RoleGrant.user_id == User.id)
        )
        assert _db.session.scalar(grants.where(demo)) == len(DEMO_ACCOUNTS)
        everyone = _db.session.scalar(select(func.count()).select_from(User))
    assert "0 created" in seed(app)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(User)) == everyone


@pytest.mark.parametrize("email", sorted(DEMO_ACCOUNTS))
def test_every_demo_account_can_sign_in(app, client, email):
    seed(app)
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 302


def test_production_refuses_to_seed(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "Refusing" in result.output
