"""Every marked string is in every catalog, translated, with the source's placeholders and tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from app.i18n.locales import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
TRANSLATED = [lang for lang in LANGUAGES.values() if lang.code != "en"]


def extracted_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        options_map={"templates/**": {"extensions": "jinja2.ext.do"}},
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


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
    cat = catalog(language.babel)
    nplurals = get_plural(language.babel).num_plurals
    assert cat.num_plurals == nplurals, "the catalog's Plural-Forms header is not the language's"
    problems = []
    for message in cat:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        if isinstance(message.id, tuple) and len(strings) != nplurals:
            problems.append(f"{len(strings)} plural forms, want {nplurals}: {ids[0]!r}")
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if not set(PLACEHOLDER.findall(text)) <= wanted:
                problems.append(f"unknown placeholder in {text!r}")
            if not isinstance(message.id, tuple) and set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ids[-1])):
                problems.append(f"HTML tags differ: {ids[0]!r} -> {text!r}")
            if text.strip() == ids[0].strip() and len(ids[0]) > 12 and re.search("[a-z]{4}", text):
                problems.append(f"copied from English: {text!r}")
    assert not problems, "\n".join(problems[:20])
