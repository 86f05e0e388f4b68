"""``flask outbox send``: deliver queued email (safe to run from several processes)."""

import click
from flask.cli import with_appcontext

from app.notifications.services import send_pending


@click.group("outbox", help="Queued email.")
def outbox_cli() -> None:
    pass


@outbox_cli.command("send")
@click.option("--batch-size", default=50, show_default=True)
@with_appcontext
def send_command(batch_size: int) -> None:
    """Send every message that is due; failed ones stay queued for a later run."""
    sent, failed = send_pending(batch_size)
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)
