"""Page numbers from the query string, clamped so that no value causes an error."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from app.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str | None) -> int:
    try:
        return min(max(1, int(raw or 1)), 100_000)
    except ValueError:
        return 1


def paginate(query: Select, raw_page: str | None, per_page: int) -> Page:
    number = page_number(raw_page)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total or 0)
