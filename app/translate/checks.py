"""The checks a translation must pass: one place for the workbench, imports and CI.

Errors stop a translation from being saved (and fail ``tests/i18n/test_catalogs.py``):
placeholders or HTML tags that differ from the source, script or event-handler markup, a
``%`` that would break formatting, a missing plural form. Warnings are shown to translators
and reviewers: much longer than the source, the glossary not followed, copied from English.

Plain functions of strings, so that CI can run them without an application; messages go
through gettext (English outside a request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from babel.messages.plurals import get_plural
from flask_babel import gettext as _

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
NAMED_PERCENT = re.compile(r"%\(\w+\)[sdif]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNSAFE = re.compile(r"<\s*/?\s*script|javascript\s*:|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
ERROR = "error"
WARNING = "warning"
MAX_LENGTH_FACTOR = 2
MAX_LENGTH_SLACK = 20

# Problems that fail CI (every error, and an English text left untranslated).
CI_CODES = frozenset({"unchanged"})


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    message: str
    form: int | None = None  # the plural form it concerns, if one

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Term:
    """A glossary entry (anything with these attributes will do, e.g. a model row)."""

    kind: str
    term: str = ""
    translation: str = ""


@dataclass
class Result:
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if not issue.is_error]

    def __bool__(self) -> bool:
        return bool(self.issues)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def check(
    sources: Sequence[str],
    strings: Sequence[str],
    nplurals: int | None = None,
    glossary: Iterable = (),
) -> Result:
    """Check ``strings`` (one per plural form) against the English ``sources``.

    ``sources`` is ``(msgid,)`` or ``(msgid, msgid_plural)``; ``nplurals`` the number of forms
    the language needs for a plural message.
    """
    result = Result()
    plural = len(sources) > 1
    if plural and nplurals is not None and len(strings) != nplurals:
        result.issues.append(
            Issue("plural_count", ERROR, _("This language needs %(num)d forms.", num=nplurals))
        )
    wanted = placeholders(sources[-1]) | placeholders(sources[0])
    for index, text in enumerate(strings):
        form = index if plural else None
        if not text:
            result.issues.append(Issue("empty", ERROR, _("Write the translation."), form))
            continue
        result.issues.extend(_form_issues(sources, text, wanted, plural, form))
    if (
        plural
        and strings
        and strings[-1]
        and not placeholders(sources[-1]) <= placeholders(strings[-1])
    ):
        missing = ", ".join(sorted(placeholders(sources[-1]) - placeholders(strings[-1])))
        result.issues.append(
            Issue(
                "placeholders",
                ERROR,
                _("The last form must keep %(names)s from the source.", names=missing),
                len(strings) - 1,
            )
        )
    result.issues.extend(glossary_issues(sources, strings, glossary))
    return result


def _form_issues(sources, text, wanted, plural, form) -> list[Issue]:
    issues = []
    found = placeholders(text)
    if not found <= wanted:
        issues.append(
            Issue(
                "placeholders",
                ERROR,
                _(
                    "%(names)s is not in the source; keep placeholders exactly as they are.",
                    names=", ".join(sorted(found - wanted)),
                ),
                form,
            )
        )
    if not plural and found != wanted and wanted - found:
        issues.append(
            Issue(
                "placeholders",
                ERROR,
                _(
                    "The placeholder %(names)s is missing. Copy it exactly as in the source.",
                    names=", ".join(sorted(wanted - found)),
                ),
                form,
            )
        )
    if UNSAFE.search(text) and not any(UNSAFE.search(source) for source in sources):
        issues.append(
            Issue(
                "unsafe",
                ERROR,
                _("Scripts, event handlers (on…=) and javascript: links are not allowed."),
                form,
            )
        )
    if CONTROL_CHARACTERS.search(text):
        issues.append(Issue("control", ERROR, _control_message(), form))
    if sorted(TAG.findall(text)) != sorted(TAG.findall(sources[-1])):
        issues.append(
            Issue(
                "tags",
                ERROR,
                _("The HTML tags must be the same as in the source, with the same attributes."),
                form,
            )
        )
    if NAMED_PERCENT.search(sources[0] + sources[-1]) and not _formats(text):
        issues.append(
            Issue(
                "format",
                ERROR,
                _(
                    "A lone %(sign)s breaks this text; write %(double)s for a percent sign.",
                    sign="%",
                    double="%%",
                ),
                form,
            )
        )
    source = sources[-1] if plural else sources[0]
    if len(text) > MAX_LENGTH_FACTOR * len(source) + MAX_LENGTH_SLACK:
        issues.append(
            Issue(
                "length",
                WARNING,
                _("Much longer than the English; it may not fit on a phone screen."),
                form,
            )
        )
    if is_unchanged(sources[0], text):
        issues.append(
            Issue("unchanged", WARNING, _("The translation is the same as the English."), form)
        )
    return issues


def _control_message() -> str:
    return _("Remove the invisible control characters from this text.")


class _AnyValue(dict):
    def __missing__(self, key):
        return 1


def _formats(text: str) -> bool:
    try:
        text % _AnyValue()  # noqa: B018  (only whether it formats)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def is_unchanged(source: str, text: str) -> bool:
    """Copied from English: the same text, with words in it (placeholders are not words)."""
    words = re.sub(r"%\(\w+\)[a-z]|\{\w*\}", "", text)
    same = text.strip() == source.strip()
    return same and len(source) > 12 and bool(re.search("[a-z]{4}", words))


def _english_has(term: str, source: str, case: bool) -> bool:
    flags = 0 if case else re.IGNORECASE
    return bool(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", source, flags))


def glossary_issues(
    sources: Sequence[str], strings: Sequence[str], glossary: Iterable
) -> list[Issue]:
    """Warnings where the translation does not follow the language's glossary."""
    english = "\n".join(sources)
    texts = [text for text in strings if text]
    found = (_glossary_issue(term, english, texts) for term in glossary)
    return [issue for issue in found if issue is not None]


def _glossary_issue(term, english: str, texts: list[str]) -> Issue | None:
    if term.kind == "required" and term.term and _english_has(term.term, english, False):
        wanted = term.translation.casefold()
        if any(wanted not in text.casefold() for text in texts):
            message = _(
                "Glossary: translate “%(term)s” as “%(translation)s”.",
                term=term.term,
                translation=term.translation,
            )
            return Issue("glossary", WARNING, message)
    elif term.kind == "forbidden" and term.translation:
        if any(term.translation.casefold() in text.casefold() for text in texts):
            message = _("Glossary: do not use “%(word)s”.", word=term.translation)
            return Issue("glossary", WARNING, message)
    elif term.kind == "keep" and term.term and _english_has(term.term, english, True):
        return _keep_issue(term.term, texts)
    return None


def _keep_issue(term: str, texts: list[str]) -> Issue | None:
    if all(term in text for text in texts):
        return None
    message = _("Glossary: keep “%(term)s” in English, exactly as written.", term=term)
    return Issue("glossary", WARNING, message)


def content_issues(english: str, text: str, glossary: Iterable = ()) -> list[Issue]:
    """Checks for a field of content (plain text): unsafe markup, then glossary warnings."""
    issues = []
    if CONTROL_CHARACTERS.search(text):
        issues.append(Issue("control", ERROR, _control_message()))
    if UNSAFE.search(text):
        issues.append(
            Issue(
                "unsafe",
                ERROR,
                _("Scripts, event handlers (on…=) and javascript: links are not allowed."),
            )
        )
    if english and text:
        issues.extend(glossary_issues((english,), (text,), glossary))
    return issues


def catalog_problems(catalog, babel_code: str) -> list[str]:
    """What keeps a ``.po`` catalog from shipping: untranslated messages and failed checks.

    Used by CI (``tests/i18n/test_catalogs.py``) and the workbench's progress page.
    """
    nplurals = get_plural(babel_code).num_plurals
    problems = []
    if catalog.num_plurals != nplurals:
        problems.append("the catalog's Plural-Forms header is not the language's")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for issue in check(ids, strings, nplurals).issues:
            if issue.is_error or issue.code in CI_CODES:
                problems.append(f"{issue.code}: {ids[0]!r} -> {strings!r}: {issue.message}")
    return problems
