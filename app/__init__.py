"""The family web app of Los Angeles Unified."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | str | None = None) -> Flask:
    """Build the application for ``config`` (an instance, a name, or ``APP_ENV``)."""
    if not isinstance(config, Config):
        config = load_config(config)
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config)
    app.config["ENV_NAME"] = type(config).name()
    Path(app.instance_path).mkdir(exist_ok=True)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known to Alembic and create_all)
    from app.accounts.access import init_login
    from app.extensions import csrf, db, limiter, migrate
    from app.i18n import init_i18n
    from app.security import init_security
    from app.web import init_web

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_i18n(app)
    init_security(app)
    init_web(app)


def _register_blueprints(app: Flask) -> None:
    from app.academy.routes import bp as academy_bp
    from app.academy.staff_routes import bp as academy_staff_bp
    from app.accounts.admin_routes import bp as admin_bp
    from app.accounts.routes import bp as accounts_bp
    from app.audit.routes import bp as audit_bp
    from app.enrollment.routes import bp as enrollment_bp
    from app.enrollment.staff_routes import bp as enrollment_staff_bp
    from app.errors import init_errors
    from app.main.routes import bp as main_bp
    from app.main.routes import root_bp
    from app.notifications.routes import bp as notifications_bp
    from app.portal.routes import bp as portal_bp
    from app.portal.staff_routes import bp as portal_staff_bp
    from app.schools.routes import bp as schools_bp
    from app.schools.staff_routes import bp as school_staff_bp
    from app.translate.routes import bp as translate_bp

    app.register_blueprint(root_bp)
    for bp in (
        main_bp,
        accounts_bp,
        admin_bp,
        audit_bp,
        notifications_bp,
        schools_bp,
        school_staff_bp,
        academy_bp,
        academy_staff_bp,
        enrollment_bp,
        enrollment_staff_bp,
        portal_bp,
        portal_staff_bp,
        translate_bp,
    ):
        app.register_blueprint(bp, url_prefix="/<lang:lang_code>" + (bp.url_prefix or ""))
    init_errors(app)


def _register_cli(app: Flask) -> None:
    from app.academy.cli import academy_cli
    from app.demo import seed_cli
    from app.enrollment.cli import enrollment_cli
    from app.notifications.cli import outbox_cli
    from app.portal import cli as _portal_cli  # noqa: F401  (adds `flask data import-students`)
    from app.schools.cli import data_cli
    from app.translate.cli import translate_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(enrollment_cli)
    app.cli.add_command(academy_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(translate_cli)
