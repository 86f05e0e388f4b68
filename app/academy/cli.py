"""``flask academy send-reminders``: queue reminder emails for sessions within 24 hours."""

import click
from flask.cli import with_appcontext

from app.academy.services import queue_reminders
from app.extensions import db


@click.group("academy", help="Family Academy.")
def academy_cli() -> None:
    pass


@academy_cli.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Queue a reminder, in the family's language, for every seat in a session that starts
    within 24 hours. Run it every few minutes: a reminder is never queued twice. `flask outbox
    send` delivers them."""
    queued = queue_reminders()
    db.session.commit()
    click.echo(f"queued {queued} reminders")
