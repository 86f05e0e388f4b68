"""``flask data import-students FILE.csv``: students and their emergency cards.

Attached to the ``data`` group of :mod:`app.schools.cli` when this module is imported (by
``app._register_cli``).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.portal.importer import ImportFailed, import_students
from app.schools.cli import data_cli


@data_cli.command("import-students")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-rejected", default=0, show_default=True, help="Invalid rows to tolerate.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the rejected rows, with reasons, to this CSV file.",
)
@with_appcontext
def import_students_command(file: Path, max_rejected: int, rejects: Path | None) -> None:
    """Validate FILE and load its students and guardians (again: only differences)."""
    try:
        report = import_students(file, max_rejected=max_rejected)
    except ImportFailed as exc:
        db.session.rollback()
        if exc.report is not None:
            for line in exc.report.lines():
                click.echo(line)
            if rejects:
                exc.report.write_rejects(rejects)
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for line in report.lines():
        click.echo(line)
    if rejects:
        report.write_rejects(rejects)
