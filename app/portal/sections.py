"""What other features add to the portal page: the one place that knows about them.

A section shows only when its provider's module exists, checked with
:func:`importlib.util.find_spec` when a page is drawn; the provider is imported only then. So
the portal never imports another feature at import time, and works before that feature exists.

A provider is called as ``provider(user, students)`` and returns, for a ``per_child`` section,
``{student.id: [Item, ...]}`` (shown on each child's card), otherwise ``[Item, ...]`` (shown
once, for the family). To add a section, write a provider and add one line to
:data:`SECTIONS`; the template ``portal/_section.html`` draws any list of items.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Item:
    title: str
    status: str
    detail: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    heading: object  # a lazy string
    empty: object
    provider: str  # "package.module:function"
    per_child: bool

    @property
    def module(self) -> str:
        return self.provider.partition(":")[0]


SECTIONS: tuple[Section, ...] = (
    Section(
        "enrollment",
        _l("Applications to choice programs"),
        _l("No applications for this child yet."),
        "app.portal.integrations:enrollment_applications",
        per_child=True,
    ),
    Section(
        "academy",
        _l("Your Family Academy courses"),
        _l("You have not registered for a Family Academy webinar or course."),
        "app.portal.integrations:academy_registrations",
        per_child=False,
    ),
)

# The feature a provider needs, when the provider lives in the portal itself.
REQUIRES = {"academy": "app.academy.models", "enrollment": "app.enrollment.models"}


@cache
def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package is missing
        return False


def available(section: Section) -> bool:
    return _exists(section.module) and _exists(REQUIRES.get(section.key, section.module))


def _provider(section: Section):
    module, _, name = section.provider.partition(":")
    return getattr(importlib.import_module(module), name)


def for_children(user, students) -> list[tuple[Section, dict]]:
    return [
        (section, _provider(section)(user, students))
        for section in SECTIONS
        if section.per_child and available(section)
    ]


def for_family(user, students) -> list[tuple[Section, list]]:
    return [
        (section, _provider(section)(user, students))
        for section in SECTIONS
        if not section.per_child and available(section)
    ]
