"""``flask seed demo``: a deterministic, idempotent demo for development and review."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.extensions import db
from app.timeutil import utcnow

DEMO_PASSWORD = "demo-password"  # noqa: S105  (documented demo credential, refused in production)

DEMO_ACCOUNTS: dict[str, tuple[str, list[tuple[Role, str]]]] = {
    "family@demo.test": ("es", [(Role.FAMILY, "")]),
    # Scoped to a demo school by app.schools.demo, once schools exist.
    "staff@demo.test": ("en", []),
    "enrollment@demo.test": ("en", [(Role.ENROLLMENT, "")]),
    "academy@demo.test": ("en", [(Role.ACADEMY, "")]),
    "translator.es@demo.test": ("es", [(Role.TRANSLATOR, "es")]),
    "reviewer.es@demo.test": ("es", [(Role.REVIEWER, "es")]),
    "admin@demo.test": ("en", [(Role.ADMIN, "")]),
}


class SeedRefused(click.ClickException):
    pass


@click.group("seed", help="Demo data.")
def seed_cli() -> None:
    pass


@seed_cli.command("demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo accounts and data (running it again changes nothing)."""
    if current_app.config["ENV_NAME"] == "production":
        raise SeedRefused("Refusing to seed demo data in production.")
    created = seed_demo()
    db.session.commit()
    click.echo(f"demo accounts ready ({created} created); password: {DEMO_PASSWORD}")


# Each feature's demo module has ``seed_demo() -> None``, idempotent and deterministic; they
# run in this order because later features refer to earlier ones (programs to schools).
FEATURE_SEEDERS: tuple[str, ...] = ("app.schools.demo", "app.academy.demo", "app.enrollment.demo", "app.portal.demo", "app.translate.demo")


def seed_demo() -> int:
    """Seed accounts, then every feature's demo data. Returns how many accounts were created."""
    import importlib

    created = seed_accounts()
    for module in FEATURE_SEEDERS:
        importlib.import_module(module).seed_demo()
        db.session.flush()
    return created


def seed_accounts() -> int:
    """Make the demo accounts exist with exactly their roles. Returns how many were created."""
    created = 0
    for email, (locale, roles) in DEMO_ACCOUNTS.items():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, locale=locale, email_verified_at=utcnow())
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            created += 1
        held = {(grant.role, grant.scope) for grant in user.grants}
        for role, scope in roles:
            if (role, scope) not in held:
                user.grants.append(RoleGrant(role=role, scope=scope))
    db.session.flush()
    return created
