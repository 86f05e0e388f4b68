"""The translation workbench's rules: suggest, review, publish, glossary, sync, import, progress.

Functions take plain arguments, ``flush()`` and never ``commit()``. After the caller commits
a change of live translations, it calls :func:`after_commit` with the languages changed, which
writes their ``.po``/``.mo`` and makes this worker reload at once (others follow within
seconds through ``catalog_versions``).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, insert, select, update

from app.audit.services import record
from app.extensions import db
from app.i18n.catalog import state as catalog_state
from app.i18n.locales import DEFAULT, LANGUAGES
from app.timeutil import utcnow
from app.translate import checks, pofiles, sources
from app.translate.models import (
    ACCEPTED,
    APPROVED,
    FROM_FILE,
    FROM_IMPORT,
    FROM_WORKBENCH,
    GLOSSARY_KINDS,
    NEEDS_REVIEW,
    PENDING,
    REJECTED,
    TRANSLATED,
    CatalogVersion,
    GlossaryTerm,
    Message,
    MessageTranslation,
    Suggestion,
    TranslationEvent,
    message_key,
)
from app.translate.plurals import nplurals

SIMILAR = 0.8  # difflib ratio above which a changed English text keeps its old translation
TARGETS = tuple(code for code in LANGUAGES if code != DEFAULT)

# Workbench filters, in the order the page offers them.
ALL = "all"
UNTRANSLATED = "untranslated"
REVIEW = "review"
TRANSLATED_FILTER = "translated"
APPROVED_FILTER = "approved"
FAILING = "failing"
FILTERS = (ALL, UNTRANSLATED, REVIEW, TRANSLATED_FILTER, APPROVED_FILTER, FAILING)


class TranslateError(Exception):
    """A workbench operation that cannot be done as asked."""


class ChecksFailed(TranslateError):
    """The text fails a check that stops it from being saved."""

    def __init__(self, result: checks.Result):
        super().__init__("; ".join(issue.message for issue in result.errors))
        self.result = result


class NoCatalogs(TranslateError):
    """No .po file was found where the app reads its catalogs."""


class AlreadyReviewed(TranslateError):
    """The suggestion was approved or rejected by someone else meanwhile."""


# --- checks and plural shape -------------------------------------------------------------------


def form_count(message: Message, code: str) -> int:
    return nplurals(LANGUAGES[code].babel) if message.is_plural else 1


def shaped(message: Message, code: str, texts: list[str]) -> list[str]:
    """Exactly as many strings as the message needs in the language."""
    count = form_count(message, code)
    return (list(texts) + [""] * count)[:count]


def glossary(code: str) -> list[GlossaryTerm]:
    return list(
        db.session.scalars(
            select(GlossaryTerm)
            .where(GlossaryTerm.locale == code)
            .order_by(func.lower(GlossaryTerm.term), GlossaryTerm.id)
        )
    )


def run_checks(message: Message, code: str, strings: list[str], terms=None) -> checks.Result:
    terms = glossary(code) if terms is None else terms
    return checks.check(message.sources, strings, form_count(message, code), terms)


def matching_terms(message: Message, terms: list[GlossaryTerm]) -> list[GlossaryTerm]:
    """Glossary entries that concern this message (shown next to the editor)."""
    english = "\n".join(message.sources).casefold()
    return [
        term
        for term in terms
        if (term.term and term.term.casefold() in english)
        or (term.kind == "forbidden" and not term.term)
    ]


# --- suggest, review, publish ------------------------------------------------------------------


def translation_of(message: Message, code: str) -> MessageTranslation | None:
    return db.session.scalar(
        select(MessageTranslation).where(
            MessageTranslation.message_id == message.id, MessageTranslation.locale == code
        )
    )


def _event(message_id: int, code: str, action: str, strings, actor, comment: str = "") -> None:
    db.session.add(
        TranslationEvent(
            message_id=message_id,
            locale=code,
            action=action,
            strings=list(strings) if strings is not None else None,
            comment=comment or "",
            actor_id=actor.id if actor else None,
        )
    )


def suggest(message: Message, code: str, texts: list[str], author, note: str = "") -> Suggestion:
    """A suggestion waiting for review. :raises ChecksFailed: when a check stops it."""
    strings = shaped(message, code, texts)
    result = run_checks(message, code, strings)
    if result.errors:
        raise ChecksFailed(result)
    suggestion = Suggestion(
        message_id=message.id,
        locale=code,
        strings=strings,
        note=note or "",
        author_id=author.id if author else None,
    )
    db.session.add(suggestion)
    _event(message.id, code, TranslationEvent.SUGGESTED, strings, author, note)
    db.session.flush()
    return suggestion


def set_live(
    message: Message,
    code: str,
    texts: list[str],
    actor,
    *,
    reviewed: bool,
    origin: str = FROM_WORKBENCH,
    comment: str = "",
    author_id: int | None = None,
) -> MessageTranslation:
    """Make ``texts`` the live translation (approved by a reviewer, or published directly).

    :raises ChecksFailed: when a check stops it.
    """
    strings = shaped(message, code, texts)
    result = run_checks(message, code, strings)
    if result.errors:
        raise ChecksFailed(result)
    row = translation_of(message, code)
    before = list(row.strings) if row is not None and row.is_live else None
    if row is None:
        row = MessageTranslation(message_id=message.id, locale=code)
        db.session.add(row)
    now = utcnow()
    row.strings = strings
    row.status = APPROVED if reviewed else TRANSLATED
    row.origin = origin
    row.previous_source = None
    row.updated_at = now
    row.updated_by_id = author_id or (actor.id if actor else None)
    row.reviewed_by_id = actor.id if reviewed and actor else None
    row.reviewed_at = now if reviewed else None
    action = {
        FROM_IMPORT: TranslationEvent.IMPORTED,
    }.get(origin, TranslationEvent.APPROVED if reviewed else TranslationEvent.PUBLISHED)
    _event(message.id, code, action, strings, actor, comment)
    if origin != FROM_IMPORT:
        record(
            f"translate.{action}",
            target_type="message",
            target_id=f"{message.id}/{code}",
            before={"strings": before} if before else None,
            after={"strings": strings, "status": row.status},
            actor=actor,
        )
    bump(code)
    db.session.flush()
    return row


APPROVE = "approve"
PUBLISH = "publish"
SUGGEST = "suggest"


def save(message: Message, code: str, texts: list[str], actor, how: str, note: str = ""):
    """Save a translation the way ``how`` says: approve it (a reviewer), publish it unreviewed
    (a translator, when allowed) or suggest it. :raises ChecksFailed:"""
    if how == SUGGEST:
        return suggest(message, code, texts, actor, note)
    return set_live(message, code, texts, actor, reviewed=how == APPROVE, comment=note)


def accept(suggestion: Suggestion, reviewer, comment: str = "") -> MessageTranslation:
    """Approve a suggestion: it becomes the live translation.

    :raises AlreadyReviewed: if it is no longer pending. :raises ChecksFailed: if it now fails.
    """
    if suggestion.status != PENDING:
        raise AlreadyReviewed()
    row = set_live(
        suggestion.message,
        suggestion.locale,
        suggestion.strings,
        reviewer,
        reviewed=True,
        comment=comment,
        author_id=suggestion.author_id,
    )
    _close(suggestion, ACCEPTED, reviewer, comment)
    return row


def reject(suggestion: Suggestion, reviewer, comment: str) -> Suggestion:
    """Turn a suggestion down with a comment for its author. :raises AlreadyReviewed:"""
    if suggestion.status != PENDING:
        raise AlreadyReviewed()
    _close(suggestion, REJECTED, reviewer, comment)
    _event(
        suggestion.message_id,
        suggestion.locale,
        TranslationEvent.REJECTED,
        suggestion.strings,
        reviewer,
        comment,
    )
    record(
        "translate.rejected",
        target_type="message",
        target_id=f"{suggestion.message_id}/{suggestion.locale}",
        after={"suggestion": suggestion.id, "comment": comment},
        actor=reviewer,
    )
    db.session.flush()
    return suggestion


def _close(suggestion: Suggestion, status: str, reviewer, comment: str) -> None:
    suggestion.status = status
    suggestion.reviewer_id = reviewer.id if reviewer else None
    suggestion.reviewed_at = utcnow()
    suggestion.review_comment = comment or ""


def pending_suggestions(message: Message, code: str) -> list[Suggestion]:
    return list(
        db.session.scalars(
            select(Suggestion)
            .where(
                Suggestion.message_id == message.id,
                Suggestion.locale == code,
                Suggestion.status == PENDING,
            )
            .order_by(Suggestion.id)
        )
    )


def history(message: Message, code: str) -> list[TranslationEvent]:
    return list(
        db.session.scalars(
            select(TranslationEvent)
            .where(TranslationEvent.message_id == message.id, TranslationEvent.locale == code)
            .order_by(TranslationEvent.id.desc())
        )
    )


# --- catalog versions and files ----------------------------------------------------------------


def bump(code: str) -> None:
    """One more version of ``code``'s live translations (an atomic increment)."""
    now = utcnow()
    done = db.session.execute(
        update(CatalogVersion)
        .where(CatalogVersion.locale == code)
        .values(version=CatalogVersion.version + 1, updated_at=now)
    )
    if done.rowcount == 0:
        db.session.add(CatalogVersion(locale=code, version=1, updated_at=now))
    db.session.flush()


def after_commit(codes) -> None:
    """Write the changed languages' files and reload them in this worker now.

    The database is already the truth for every worker; a file that cannot be written (a
    read-only disk) is logged, not fatal.
    """
    for code in sorted(set(codes)):
        try:
            pofiles.write_language(code)
        except OSError:
            current_app.logger.exception("could not write the catalog of %s", code)
    catalog_state().forget()


# --- glossary ----------------------------------------------------------------------------------


def add_term(code: str, kind: str, term: str, translation: str, note: str, actor) -> GlossaryTerm:
    if kind not in GLOSSARY_KINDS:
        raise TranslateError(kind)
    if kind == "keep":
        translation = term
    entry = GlossaryTerm(
        locale=code,
        kind=kind,
        term=term,
        translation=translation,
        note=note or "",
        created_by_id=actor.id if actor else None,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "translate.glossary_add",
        target_type="glossary",
        target_id=f"{entry.id}/{code}",
        after={"kind": kind, "term": term, "translation": translation},
        actor=actor,
    )
    return entry


def remove_term(entry: GlossaryTerm, actor) -> None:
    record(
        "translate.glossary_remove",
        target_type="glossary",
        target_id=f"{entry.id}/{entry.locale}",
        before={"kind": entry.kind, "term": entry.term, "translation": entry.translation},
        actor=actor,
    )
    db.session.delete(entry)
    db.session.flush()


def term_exists(code: str, kind: str, term: str, translation: str) -> bool:
    if kind == "keep":
        translation = term
    return (
        db.session.scalar(
            select(GlossaryTerm.id).where(
                GlossaryTerm.locale == code,
                GlossaryTerm.kind == kind,
                GlossaryTerm.term == term,
                GlossaryTerm.translation == translation,
            )
        )
        is not None
    )


# --- the workbench's list and progress ----------------------------------------------------------


@dataclass
class Row:
    message: Message
    translation: MessageTranslation | None
    pending: int
    result: checks.Result | None
    state: str = field(init=False)

    def __post_init__(self) -> None:
        status = self.translation.status if self.translation is not None else None
        self.state = {
            APPROVED: "approved",
            TRANSLATED: "translated",
            NEEDS_REVIEW: "needs_review",
        }.get(status, "untranslated")

    @property
    def needs_review(self) -> bool:
        return self.pending > 0 or self.state == "needs_review"

    @property
    def failing(self) -> bool:
        return bool(self.result)

    def matches(self, wanted: str) -> bool:
        if wanted == UNTRANSLATED:
            return self.state in ("untranslated", "needs_review")
        if wanted == REVIEW:
            return self.needs_review
        if wanted == TRANSLATED_FILTER:
            return self.state in ("translated", "approved")
        if wanted == APPROVED_FILTER:
            return self.state == "approved"
        if wanted == FAILING:
            return self.failing
        return True


def current_messages() -> list[Message]:
    return list(
        db.session.scalars(
            select(Message).where(Message.obsolete.is_(False)).order_by(Message.msgid)
        )
    )


def rows(code: str, messages: list[Message] | None = None) -> list[Row]:
    """Every current message with its state in ``code``, in the catalog's order."""
    messages = current_messages() if messages is None else messages
    translations = {
        row.message_id: row
        for row in db.session.scalars(
            select(MessageTranslation).where(MessageTranslation.locale == code)
        )
    }
    pending = Counter(
        dict(
            db.session.execute(
                select(Suggestion.message_id, func.count())
                .where(Suggestion.locale == code, Suggestion.status == PENDING)
                .group_by(Suggestion.message_id)
            ).all()
        )
    )
    terms = glossary(code)
    result = []
    for message in messages:
        translation = translations.get(message.id)
        checked = (
            run_checks(message, code, translation.strings, terms)
            if translation is not None and any(translation.strings)
            else None
        )
        result.append(Row(message, translation, pending[message.id], checked))
    return result


def search(all_rows: list[Row], wanted: str, query: str) -> list[Row]:
    needle = query.casefold().strip()
    found = []
    for row in all_rows:
        if not row.matches(wanted):
            continue
        if needle:
            haystack = list(row.message.sources) + [row.message.context or ""]
            if row.translation is not None:
                haystack += row.translation.strings
            if not any(needle in text.casefold() for text in haystack):
                continue
        found.append(row)
    return found


@dataclass
class Progress:
    code: str
    total: int = 0
    counts: Counter = field(default_factory=Counter)

    def percent(self, key: str) -> int:
        return int(100 * self.counts[key] / self.total) if self.total else 0


def progress(code: str, all_rows: list[Row] | None = None) -> Progress:
    all_rows = rows(code) if all_rows is None else all_rows
    summary = Progress(code, total=len(all_rows))
    for row in all_rows:
        for name in FILTERS[1:]:
            if row.matches(name):
                summary.counts[name] += 1
    return summary


# --- sync with the .po files --------------------------------------------------------------------


@dataclass
class SyncReport:
    added: int = 0
    obsoleted: int = 0
    revived: int = 0
    carried_over: int = 0
    from_files: Counter = field(default_factory=Counter)
    changed: set[str] = field(default_factory=set)  # languages whose live translations changed
    write_back: set[str] = field(default_factory=set)  # languages whose files lag the database


def sync(with_locations: bool = True) -> SyncReport:
    """Reconcile the database with the .po files after `make i18n`. :raises NoCatalogs:

    New messages are added and removed ones marked obsolete. A translation that came from a
    file follows the file; one made in the workbench (or imported) wins over the file, which is
    rewritten. When an English text changed (a new message at least 80 % like one that just
    became obsolete), its old translations are carried over, marked as needing review.
    """
    report = SyncReport()
    catalogs = {
        code: catalog
        for code in TARGETS
        if (catalog := pofiles.read_catalog(code, shared=True)) is not None
    }
    if not catalogs:
        # Rather than retire every message because the files are missing.
        raise NoCatalogs(pofiles.po_path("es").parent.parent.parent)
    entries = _entries(catalogs)
    where = _locations() if with_locations else {}
    messages = {m.key: m for m in db.session.scalars(select(Message))}
    new_keys = [key for key in entries if key not in messages]
    gone = [m for key, m in messages.items() if key not in entries and not m.obsolete]
    now = utcnow()
    for message in gone:
        message.obsolete, message.obsoleted_at = True, now
    report.obsoleted = len(gone)
    for key, entry in entries.items():
        message = messages.get(key)
        if message is None:
            continue
        if message.obsolete:
            message.obsolete, message.obsoleted_at = False, None
            report.revived += 1
        _refresh(message, entry, where)
    if new_keys:
        db.session.execute(
            insert(Message),
            [_new_message(key, entries[key], where, now) for key in new_keys],
        )
        report.added = len(new_keys)
    db.session.flush()
    messages = {m.key: m for m in db.session.scalars(select(Message))}
    _sync_translations(catalogs, messages, report)
    _carry_over([messages[key] for key in new_keys], gone, report)
    for code in TARGETS:
        if code in report.changed or db.session.get(CatalogVersion, code) is None:
            bump(code)
    db.session.flush()
    return report


def _entries(catalogs) -> dict[str, object]:
    entries: dict[str, object] = {}
    for catalog in catalogs.values():
        for entry in catalog:
            if not entry.id:
                continue
            msgid = entry.id[0] if isinstance(entry.id, tuple) else entry.id
            entries.setdefault(message_key(msgid, entry.context), entry)
    return entries


def _locations():
    root = Path(current_app.root_path).parent
    try:
        return sources.locations(root)
    except (OSError, SyntaxError, ValueError):
        current_app.logger.exception("could not find where messages are used")
        return {}


def _fields(entry, where) -> dict:
    plural = isinstance(entry.id, tuple)
    msgid = entry.id[0] if plural else entry.id
    return {
        "msgid": msgid,
        "msgid_plural": entry.id[1] if plural else None,
        "context": entry.context,
        "flags": sorted(flag for flag in entry.flags if flag != "fuzzy"),
        "locations": where.get((entry.context, msgid), []),
    }


def _new_message(key, entry, where, now) -> dict:
    return {"key": key, "obsolete": False, "created_at": now, **_fields(entry, where)}


def _refresh(message: Message, entry, where) -> None:
    fields = _fields(entry, where)
    if not where:
        fields.pop("locations")
    for name, value in fields.items():
        if getattr(message, name) != value:
            setattr(message, name, value)


def _file_strings(entry, count: int) -> tuple[list[str] | None, bool]:
    """The file's translation shaped to ``count`` forms (None if empty), and whether fuzzy."""
    strings = list(entry.string) if isinstance(entry.string, tuple | list) else [entry.string]
    strings = [text or "" for text in strings]
    strings = (strings + [""] * count)[:count]
    return (strings if all(strings) else None), entry.fuzzy


def _sync_translations(catalogs, messages: dict[str, Message], report: SyncReport) -> None:
    existing = {
        (row.message_id, row.locale): row for row in db.session.scalars(select(MessageTranslation))
    }
    new_rows = []
    for code, catalog in catalogs.items():
        for entry in catalog:
            if not entry.id:
                continue
            msgid = entry.id[0] if isinstance(entry.id, tuple) else entry.id
            message = messages[message_key(msgid, entry.context)]
            strings, fuzzy = _file_strings(entry, form_count(message, code))
            row = existing.get((message.id, code))
            change = _reconcile(message, code, row, strings, fuzzy, report)
            if isinstance(change, dict):
                new_rows.append(change)
    if new_rows:
        db.session.execute(insert(MessageTranslation), new_rows)
    db.session.flush()


def _reconcile(message, code, row, strings, fuzzy, report):
    """Bring one (message, language) in line with its file. Returns a new row's values."""
    if strings is not None and not fuzzy:
        if row is None:
            report.changed.add(code)
            report.from_files[code] += 1
            return _row_values(message, code, strings, TRANSLATED)
        if row.origin == FROM_FILE or not row.is_live:
            if row.strings != strings or not row.is_live:
                row.strings, row.status, row.origin = strings, TRANSLATED, FROM_FILE
                row.previous_source, row.updated_at, row.updated_by_id = None, utcnow(), None
                report.changed.add(code)
                report.from_files[code] += 1
        elif row.strings != strings:
            report.write_back.add(code)
        return None
    if strings is not None and fuzzy:
        if row is None:
            return _row_values(message, code, strings, NEEDS_REVIEW)
        if row.origin == FROM_FILE and row.is_live:  # the file now says it needs a look
            row.strings, row.status = strings, NEEDS_REVIEW
            report.changed.add(code)
        return None
    if strings is None and row is not None and row.is_live:
        if row.origin == FROM_FILE:
            db.session.delete(row)
            report.changed.add(code)
        else:
            report.write_back.add(code)
    return None


def _row_values(message, code, strings, status) -> dict:
    return {
        "message_id": message.id,
        "locale": code,
        "strings": strings,
        "status": status,
        "origin": FROM_FILE,
        "updated_at": utcnow(),
    }


def _carry_over(added: list[Message], gone: list[Message], report: SyncReport) -> None:
    """Old translations for English texts that changed a little, marked as needing review."""
    if not added or not gone:
        return
    gone_rows: dict[int, list[MessageTranslation]] = {}
    for row in db.session.scalars(
        select(MessageTranslation).where(MessageTranslation.message_id.in_([m.id for m in gone]))
    ):
        gone_rows.setdefault(row.message_id, []).append(row)
    taken = {
        (row.message_id, row.locale)
        for row in db.session.scalars(
            select(MessageTranslation).where(
                MessageTranslation.message_id.in_([m.id for m in added])
            )
        )
    }
    for message in added:
        old = most_similar(message, gone)
        if old is None:
            continue
        for source_row in gone_rows.get(old.id, []):
            if (message.id, source_row.locale) in taken or not any(source_row.strings):
                continue
            strings = shaped(message, source_row.locale, _reshape(source_row.strings, message))
            db.session.add(
                MessageTranslation(
                    message_id=message.id,
                    locale=source_row.locale,
                    strings=strings,
                    status=NEEDS_REVIEW,
                    origin=FROM_WORKBENCH,
                    previous_source=old.msgid,
                )
            )
            _event(
                message.id,
                source_row.locale,
                TranslationEvent.CARRIED_OVER,
                strings,
                None,
                old.msgid,
            )
            report.carried_over += 1
            report.write_back.add(source_row.locale)
    db.session.flush()


def _reshape(strings: list[str], message: Message) -> list[str]:
    """An old singular text fills every form of a new plural message, and vice versa."""
    if message.is_plural and len(strings) == 1:
        return strings * 6
    return strings


def most_similar(message: Message, candidates: list[Message]) -> Message | None:
    best, best_ratio = None, SIMILAR
    for old in candidates:
        if old.context != message.context or old.id == message.id:
            continue
        matcher = difflib.SequenceMatcher(None, old.msgid, message.msgid)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = old, ratio
    return best


def after_sync(report: SyncReport) -> None:
    after_commit(report.write_back | report.changed)


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    suggested: int = 0
    approved: int = 0
    unchanged: int = 0
    unknown: int = 0
    refused: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.approved)


class WrongLanguage(TranslateError):
    """The uploaded file says it is for another language."""


def import_catalog(code: str, data: bytes, actor, *, approve: bool) -> ImportReport:
    """Read an uploaded .po: its translations become suggestions, or live if ``approve``.

    :raises pofiles.InvalidCatalog: unreadable. :raises WrongLanguage: another language's file.
    """
    catalog = pofiles.parse_upload(data)
    babel_code = LANGUAGES[code].babel
    if catalog.locale is not None and str(catalog.locale) != babel_code:
        raise WrongLanguage(str(catalog.locale))
    messages = {m.key: m for m in db.session.scalars(select(Message).where(~Message.obsolete))}
    report = ImportReport()
    for entry in catalog:
        if not entry.id or entry.fuzzy:
            continue
        msgid = entry.id[0] if isinstance(entry.id, tuple) else entry.id
        message = messages.get(message_key(msgid, entry.context))
        if message is None or isinstance(entry.id, tuple) != message.is_plural:
            report.unknown += 1
            continue
        strings, _fuzzy = _file_strings(entry, form_count(message, code))
        if strings is None:
            continue
        _import_one(message, code, strings, actor, approve, report)
    record(
        "translate.import",
        target_type="catalog",
        target_id=code,
        after={
            "approved": report.approved,
            "suggested": report.suggested,
            "refused": len(report.refused),
        },
        actor=actor,
    )
    return report


def _import_one(message, code, strings, actor, approve, report) -> None:
    current = translation_of(message, code)
    if current is not None and current.is_live and current.strings == strings:
        report.unchanged += 1
        return
    try:
        if approve:
            set_live(message, code, strings, actor, reviewed=True, origin=FROM_IMPORT)
            report.approved += 1
        elif _pending_same(message, code, strings):
            report.unchanged += 1
        else:
            suggest(message, code, strings, actor, "")
            report.suggested += 1
    except ChecksFailed as failed:
        report.refused.append((message.msgid, [issue.message for issue in failed.result.errors]))


def _pending_same(message, code, strings) -> bool:
    return any(s.strings == strings for s in pending_suggestions(message, code))
