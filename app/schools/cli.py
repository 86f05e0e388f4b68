"""``flask data import-lausd PATH``: load the public LAUSD data package."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.schools.importer import ImportFailed, import_lausd


@click.group("data", help="Public data imports.")
def data_cli() -> None:
    pass


@data_cli.command("import-lausd")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--max-rejected", default=0, show_default=True, help="Invalid rows to tolerate.")
@with_appcontext
def import_lausd_command(path: Path, max_rejected: int) -> None:
    """Validate and load the CSV files in PATH, all or nothing."""
    try:
        report = import_lausd(path, max_rejected=max_rejected)
    except ImportFailed as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for line in report.lines():
        click.echo(line)
