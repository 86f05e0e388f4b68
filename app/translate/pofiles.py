"""The catalogs on disk: ``translations/<babel code>/LC_MESSAGES/messages.po`` and ``.mo``.

Written the way `make i18n` writes them (``--no-location --sort-output``, width 76, the
header kept), so a file changed by the workbench differs from the committed one only in the
translations that changed. Writes are atomic (a temporary file renamed into place) and one at
a time per directory (a lock file), as several workers may approve at once.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from sqlalchemy import select

from app.extensions import db
from app.i18n.catalog import catalog_directory
from app.i18n.locales import LANGUAGES
from app.translate.models import LIVE, NEEDS_REVIEW, Message, MessageTranslation

try:
    import fcntl
except ImportError:  # pragma: no cover  (not on Windows; one process there)
    fcntl = None

PO_OPTIONS = {"width": 76, "no_location": True, "sort_output": True, "ignore_obsolete": True}


class InvalidCatalog(ValueError):
    """An uploaded file that is not a readable .po catalog."""


def po_path(code: str, directory: str | None = None) -> Path:
    babel_code = LANGUAGES[code].babel
    return Path(directory or catalog_directory()) / babel_code / "LC_MESSAGES" / "messages.po"


_parsed: dict[Path, tuple[tuple[int, int], Catalog]] = {}


def read_catalog(code: str, directory: str | None = None, *, shared: bool = False):
    """The language's .po as a Catalog, or None if there is none.

    ``shared``: a parse remembered until the file changes (reading takes a tenth of a
    second); the caller must not modify it.
    """
    path = po_path(code, directory)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    if shared and path in _parsed and _parsed[path][0] == stamp:
        return _parsed[path][1]
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[code].babel)
    if shared:
        _parsed[path] = (stamp, catalog)
    return catalog


def parse_upload(data: bytes) -> Catalog:
    """A catalog from uploaded bytes. :raises InvalidCatalog: when it cannot be read."""
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeError, ValueError, TypeError, IndexError) as exc:
        raise InvalidCatalog(str(exc)) from exc


def render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, **PO_OPTIONS)
    return out.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def apply_database(catalog: Catalog, code: str) -> Catalog:
    """Set the catalog's translations to the database's: live ones as they are, and a
    translation waiting for review as ``fuzzy`` where the file has none (gettext skips it).
    """
    rows = db.session.execute(
        select(
            Message.msgid, Message.context, MessageTranslation.strings, MessageTranslation.status
        )
        .join(MessageTranslation.message)
        .where(MessageTranslation.locale == code, Message.obsolete.is_(False))
    ).all()
    for msgid, context, strings, status in rows:
        entry = catalog.get(msgid, context)
        if entry is None or not strings:
            continue
        plural = isinstance(entry.id, tuple)
        if plural:
            wanted = catalog.num_plurals
            value = tuple((list(strings) + [""] * wanted)[:wanted])
        else:
            value = strings[0]
        if status in LIVE:
            entry.string = value
            entry.flags.discard("fuzzy")
        elif status == NEEDS_REVIEW and not _has_text(entry.string):
            entry.string = value
            entry.flags.add("fuzzy")
    return catalog


def _has_text(string) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def export_po(code: str) -> bytes:
    """The language's catalog as this machine has it, with the database's translations."""
    catalog = read_catalog(code)
    if catalog is None:
        raise FileNotFoundError(po_path(code))
    return render_po(apply_database(catalog, code))


def write_language(code: str, directory: str | None = None) -> bool:
    """Write the database's translations into the language's .po and compile its .mo.

    Returns whether the .po changed. Call it after the transaction is committed.
    """
    path = po_path(code, directory)
    if not path.exists():
        return False
    with _locked(path.parent):
        catalog = read_catalog(code, directory)
        before = path.read_bytes()
        after = render_po(apply_database(catalog, code))
        changed = after != before
        if changed:
            _replace(path, after)
        mo = path.with_suffix(".mo")
        if changed or not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
            _replace(mo, render_mo(catalog))
    return changed


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One writer at a time on this machine: a lock on the LC_MESSAGES folder itself (the
    .po file is replaced, so its own inode would not do; a folder needs no lock file)."""
    if fcntl is None:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _replace(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
