"""Configuration classes. Each reads the environment when it is instantiated, not at import."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """The environment lacks something this configuration cannot run without."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
        self.SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"), "app.db")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Absolute base of links written into emails and letters; never taken from the
        # request's Host header, which a client controls.
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_STARTTLS = _env_bool("MAIL_USE_STARTTLS", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
        self.MAIL_SENDER = os.environ.get(
            "MAIL_SENDER", "LAUSD Families <no-reply@families.lausd.example>"
        )
        self.PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    # Uploads and long inputs are bounded; larger bodies get a 413 page.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Los_Angeles"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # Translators' edits go live without a reviewer (they are still checked).
    TRANSLATORS_MAY_PUBLISH = False

    # A token stays valid for the whole session: a parent filling a long form on a slow
    # phone must not lose it to a one-hour timer.
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_HEADERS_ENABLED = True
    SIGNIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    SIGNIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    MAIL_LIMIT_PER_ADDRESS = "10 per hour"

    # "console": messages are logged when queued and when sent (development);
    # "smtp": delivered by `flask outbox send`.
    MAIL_TRANSPORT = "smtp"
    MAIL_ECHO = False
    OUTBOX_LEASE_SECONDS = 300

    PASSWORD_RESET_MAX_AGE = 60 * 60
    EMAIL_VERIFY_MAX_AGE = 60 * 60 * 24 * 7

    @classmethod
    def name(cls) -> str:
        return cls.__name__.removesuffix("Config").lower()

    def validate(self) -> None:
        """Raise :class:`ConfigError` if this environment cannot run safely."""


class DevelopmentConfig(Config):
    DEBUG = True
    MAIL_TRANSPORT = "console"
    MAIL_ECHO = True


class TestingConfig(Config):
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL"), "test.db")
        self.BASE_URL = "http://families.test"
        self.MAIL_PORT = 0  # tests point this at their own SMTP server
        self.RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    def validate(self) -> None:
        missing = [
            name
            for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL", "RATELIMIT_STORAGE_URI")
            if not os.environ.get(name)
        ]
        if missing:
            raise ConfigError("Production needs these environment variables: " + ", ".join(missing))
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            raise ConfigError("Production needs a PostgreSQL DATABASE_URL, not SQLite.")
        if self.RATELIMIT_STORAGE_URI.startswith("memory"):
            raise ConfigError(
                "Production runs several processes: RATELIMIT_STORAGE_URI must be shared "
                "storage such as redis://, not memory://."
            )


def _database_url(url: str | None, sqlite_file: str) -> str:
    if not url:
        # Flask-SQLAlchemy resolves a relative SQLite path inside the instance folder.
        return f"sqlite:///{sqlite_file}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    """Instantiate and validate the configuration named by ``name`` or ``APP_ENV``."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        config = CONFIGS[name]()
    except KeyError:
        raise ConfigError(f"Unknown APP_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
    config.validate()
    return config
