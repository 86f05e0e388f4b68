"""Every marked string is in every catalog, translated, with the source's placeholders and tags.

The checks are the workbench's own (``app.translate.checks``), so CI and the translators'
editor refuse the same things.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n.locales import LANGUAGES
from app.translate.checks import catalog_problems
from app.translate.sources import extract

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES.values() if lang.code != "en"]


def extracted_ids() -> set[str]:
    return {msgid for _context, msgid, _plural, _where in extract(ROOT)}


def catalog(babel_code: str):
    path = ROOT / "translations" / babel_code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=babel_code)


@pytest.fixture(scope="module")
def source_ids():
    ids = extracted_ids()
    assert len(ids) > 50
    return ids


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_catalog_has_every_string_of_the_code(source_ids, language):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language.babel) if m.id}
    missing = sorted(source_ids - ids)
    assert not missing, f"run `make i18n` and translate: {missing[:10]}"


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.code)
def test_catalog_is_complete_and_its_checks_pass(language):
    problems = catalog_problems(catalog(language.babel), language.babel)
    assert not problems, "\n".join(problems[:20])
