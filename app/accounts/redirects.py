"""``next=`` targets: only paths on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a local path (``/es/apply?x=1``), else None.

    Rejects absolute URLs, scheme-relative ``//host`` and backslash tricks that browsers
    read as another host.
    """
    if not target:
        return None
    # Browsers drop tabs and newlines inside URLs, so "/\t/evil.example" becomes "//evil.example".
    if any(char.isspace() or ord(char) < 32 for char in target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target.rstrip("?")
