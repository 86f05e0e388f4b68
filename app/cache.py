"""Rendered fragments cached per process, keyed by version stamps kept in the database.

A stamp is a counter per kind of data ("schools": the imported data and staff-written
text). Writers bump it in the same transaction as their change; readers include it in the
cache key, so every worker of every server stops serving the old HTML as soon as the change
is committed, without any message between processes. The cache itself holds only what can
be rebuilt, and is bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import String, bindparam, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CacheStamp(db.Model):
    __tablename__ = "cache_stamps"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


# Every cached page reads its stamp, so the read is a Core statement built once: the ORM's
# per-statement work cost several times the query itself.
_STAMP = select(CacheStamp.__table__.c.version).where(
    CacheStamp.__table__.c.name == bindparam("name")
)


def stamp(name: str) -> int:
    return db.session.scalar(_STAMP, {"name": name}) or 0


def bump(name: str) -> None:
    """Invalidate everything cached under ``name`` (part of the caller's transaction)."""
    changed = db.session.execute(
        update(CacheStamp).where(CacheStamp.name == name).values(version=CacheStamp.version + 1)
    ).rowcount
    if not changed:
        db.session.add(CacheStamp(name=name, version=1))
    db.session.flush()


class LRUCache:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], object]) -> object:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


pages = LRUCache(size=512)
