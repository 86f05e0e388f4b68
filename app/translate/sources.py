"""Where the code uses each message: Babel's extraction, as `make i18n` runs it (babel.cfg)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

# pybabel's defaults plus the Makefile's `-k _l -k lazy_gettext -k _n:1,2` (and lazy plurals).
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "_n": (1, 2),
    "lazy_ngettext": (1, 2),
}
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
OPTIONS = {"templates/**": {"extensions": "jinja2.ext.do"}}
MAX_LOCATIONS = 8

_cache: dict[tuple, dict[tuple[str | None, str], list[str]]] = {}


def extract(root: Path):
    """Yield ``(context, msgid, msgid_plural or None, "path:line")`` for every marked string."""
    for filename, line, message, _comments, context in extract_from_dir(
        str(root), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        if isinstance(message, str):
            yield context, message, None, f"{filename}:{line}"
        else:
            yield context, message[0], message[1], f"{filename}:{line}"


def locations(root: Path) -> dict[tuple[str | None, str], list[str]]:
    """``{(context, msgid): ["templates/x.html:12", ...]}``; empty without the source tree.

    Remembered for as long as no source file changes (extraction takes seconds).
    """
    files = [
        p for pattern in ("app", "templates") for p in (root / pattern).rglob("*") if p.is_file()
    ]
    if not files:
        return {}
    fingerprint = (str(root), len(files), max(p.stat().st_mtime_ns for p in files))
    if fingerprint not in _cache:
        found: dict[tuple[str | None, str], list[str]] = defaultdict(list)
        for context, msgid, _plural, where in extract(root):
            if len(found[context, msgid]) < MAX_LOCATIONS:
                found[context, msgid].append(where)
        _cache.clear()
        _cache[fingerprint] = dict(found)
    return _cache[fingerprint]
