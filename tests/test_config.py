import os
import subprocess
import sys

import pytest

from app import create_app
from config import ConfigError, load_config

PRODUCTION_ENV = {
    "SECRET_KEY": "a-real-secret-from-the-environment",
    "DATABASE_URL": "postgresql://app@db.internal/families",
    "BASE_URL": "https://families.lausd.example",
    "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
}


@pytest.fixture
def production_env(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_its_settings(production_env, missing):
    production_env.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        create_app("production")


def test_production_refuses_sqlite(production_env):
    production_env.setenv("DATABASE_URL", "sqlite:///prod.db")
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_config("production")


def test_production_refuses_per_process_rate_limit_storage(production_env):
    production_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigError, match="shared storage"):
        load_config("production")


def test_production_starts_with_secure_cookies_when_configured(production_env):
    # In a separate process: extensions are process-wide, and this app's rate-limit
    # storage (Redis) must not replace the test app's.
    code = (
        "from app import create_app; c = create_app('production').config; "
        "print(c['SESSION_COOKIE_SECURE'], c['REMEMBER_COOKIE_SECURE'], "
        "c['SQLALCHEMY_DATABASE_URI'].split(':')[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert result.stdout.split() == ["True", "True", "postgresql+psycopg"]


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="Unknown APP_ENV"):
        load_config("staging-typo")
