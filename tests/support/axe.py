"""Accessibility checks with axe-core in the real browser (WCAG 2.0, 2.1, 2.2; A and AA)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_axe = Axe()


def assert_accessible(page) -> None:
    """Fail with axe's report if the page as it is now has any WCAG A/AA violation."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
