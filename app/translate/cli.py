"""``flask translate sync | import | export``: the database and the .po files, reconciled."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.i18n.locales import DEFAULT, LANGUAGES
from app.translate import pofiles, services

LANGUAGE = click.Choice([code for code in LANGUAGES if code != DEFAULT])


@click.group("translate", help="Interface translations: the workbench and the .po files.")
def translate_cli() -> None:
    pass


@translate_cli.command("sync")
@click.option("--no-locations", is_flag=True, help="Skip finding where the code uses messages.")
@with_appcontext
def sync_command(no_locations: bool) -> None:
    """After `make i18n`: add new messages, retire removed ones, keep translations."""
    try:
        report = services.sync(with_locations=not no_locations)
    except services.NoCatalogs as missing:
        raise click.ClickException(f"no catalogs in {missing}; nothing was changed") from missing
    db.session.commit()
    services.after_sync(report)
    click.echo(
        f"messages: {report.added} added, {report.obsoleted} obsolete, {report.revived} back; "
        f"{report.carried_over} translations carried over for review"
    )
    for code in sorted(report.from_files):
        click.echo(f"{code}: {report.from_files[code]} translations taken from the file")
    if report.write_back:
        click.echo("files updated from the workbench: " + ", ".join(sorted(report.write_back)))


@translate_cli.command("import")
@click.argument("language", type=LANGUAGE)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--suggest", is_flag=True, help="Save as suggestions for review, not approved.")
@with_appcontext
def import_command(language: str, path: Path, suggest: bool) -> None:
    """Import a .po file for LANGUAGE (approved unless --suggest); checks apply."""
    try:
        report = services.import_catalog(language, path.read_bytes(), None, approve=not suggest)
    except (pofiles.InvalidCatalog, services.WrongLanguage) as exc:
        raise click.ClickException(f"cannot import {path}: {exc}") from exc
    db.session.commit()
    if report.changed:
        services.after_commit([language])
    click.echo(
        f"{report.approved} approved, {report.suggested} suggested, {report.unchanged} unchanged, "
        f"{report.unknown} unknown, {len(report.refused)} refused"
    )
    for msgid, problems in report.refused:
        click.echo(f"refused {msgid!r}: {' '.join(problems)}", err=True)


@translate_cli.command("export")
@click.argument("language", type=LANGUAGE)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(language: str, output: Path | None) -> None:
    """Write LANGUAGE's catalog with every live translation (to stdout without --output)."""
    data = pofiles.export_po(language)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
