"""The translation workbench at ``/<lang>/translate``: the language in the URL is the one
being translated (and the one the workbench speaks). Translators suggest, reviewers approve.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, make_response, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.access import Role, may_act_as, requires
from app.accounts.forms import ConfirmForm
from app.content.models import ContentVersion
from app.extensions import db
from app.i18n.locales import DEFAULT, LANGUAGES, Language
from app.pagination import Page, page_number
from app.translate import content as content_translation
from app.translate import pofiles, services
from app.translate.forms import GlossaryForm, ImportForm, MessageForm, ReviewForm, SendBackForm
from app.translate.models import GlossaryTerm, Message, Suggestion
from app.translate.plurals import plural_forms, preview
from app.web import redirect_to, render

bp = Blueprint("translate", __name__, url_prefix="/translate")

TEAM = (Role.TRANSLATOR, Role.REVIEWER)
PER_PAGE = 50
INVALID = 422


def for_language(*roles: Role, english: bool = False):
    """``requires(*roles)`` for the language of the URL: a Russian translator gets 403 in
    ``/es/translate``. English is the source, so only the views marked ``english`` (the
    overview of every language) exist there.
    """

    def decorator(view):
        @wraps(view)
        def source_guard(*args, **kwargs):
            if (g.get("lang_code") or DEFAULT) == DEFAULT and not english:
                abort(404)
            return view(*args, **kwargs)

        return requires(*roles, scope_arg="lang_code")(source_guard)

    return decorator


def _language() -> Language:
    return LANGUAGES[g.lang_code]


def is_reviewer(code: str) -> bool:
    return may_act_as(current_user, (Role.REVIEWER,), code)


def may_publish(code: str) -> bool:
    """Reviewers publish; translators too when ``TRANSLATORS_MAY_PUBLISH`` is set."""
    return is_reviewer(code) or bool(current_app.config.get("TRANSLATORS_MAY_PUBLISH"))


@bp.app_context_processor
def _workbench_helpers():
    return {"translate_preview": preview, "STATE_LABELS": state_labels}


def state_labels() -> dict[str, str]:
    return {
        "untranslated": _("Untranslated"),
        "needs_review": _("Needs review"),
        "translated": _("Translated"),
        "approved": _("Approved"),
    }


def filter_labels() -> dict[str, str]:
    return {
        services.ALL: _("All messages"),
        services.UNTRANSLATED: _("Untranslated"),
        services.REVIEW: _("Needs review"),
        services.TRANSLATED_FILTER: _("Translated"),
        services.APPROVED_FILTER: _("Approved"),
        services.FAILING: _("Failing checks"),
    }


def _filters() -> tuple[str, str]:
    wanted = request.args.get("status", services.ALL)
    return (wanted if wanted in services.FILTERS else services.ALL), request.args.get("q", "")[:200]


# --- the list ------------------------------------------------------------------------------------


@bp.route("")
@for_language(*TEAM, english=True)
def workbench():
    """Every message in the language, filtered and searched; English shows every language."""
    if g.lang_code == DEFAULT:
        return languages()
    language = _language()
    wanted, query = _filters()
    all_rows = services.rows(language.code)
    found = services.search(all_rows, wanted, query)
    number = page_number(request.args.get("page"))
    start = (number - 1) * PER_PAGE
    page = Page(found[start : start + PER_PAGE], number, PER_PAGE, len(found))
    summary = services.progress(language.code, all_rows)
    announce = ngettext("%(num)d message", "%(num)d messages", page.total)
    return render(
        "translate/workbench.html",
        block="results",
        language=language,
        page=page,
        wanted=wanted,
        query=query,
        summary=summary,
        filter_labels=filter_labels(),
        reviewer=is_reviewer(language.code),
        announce=announce if request.args else None,
    )


@bp.route("/languages")
@for_language(*TEAM, english=True)
def languages():
    """Progress of every language, with links to the ones this account may translate."""
    messages = services.current_messages()
    rows = [
        (
            LANGUAGES[code],
            services.progress(code, services.rows(code, messages)),
            may_act_as(current_user, TEAM, code),
        )
        for code in services.TARGETS
    ]
    return render("translate/languages.html", languages=rows)


# --- one message ---------------------------------------------------------------------------------


def _message(message_id: int) -> Message:
    message = db.get_or_404(Message, message_id)
    if message.obsolete:
        abort(404)
    return message


def _neighbours(message: Message, code: str) -> tuple[Message | None, Message | None]:
    wanted, query = _filters()
    found = [row.message for row in services.search(services.rows(code), wanted, query)]
    ids = [m.id for m in found]
    if message.id not in ids:
        return None, found[0] if found else None
    index = ids.index(message.id)
    return (
        found[index - 1] if index > 0 else None,
        found[index + 1] if index + 1 < len(found) else None,
    )


def _message_page(message, language, form=None, review_forms=None, status=200, checked=None):
    code = language.code
    translation = services.translation_of(message, code)
    if form is None:
        form = MessageForm(formdata=None, data=_initial(translation)).configure(
            message, language, is_reviewer(code)
        )
    pending = services.pending_suggestions(message, code)
    review_forms = review_forms or {}
    for suggestion in pending:
        review_forms.setdefault(
            suggestion.id, ReviewForm(formdata=None, prefix=f"s{suggestion.id}")
        )
    terms = services.glossary(code)
    if checked is None and translation is not None and any(translation.strings):
        checked = services.run_checks(message, code, translation.strings, terms)
    previous, following = _neighbours(message, code)
    return render(
        "translate/message.html",
        block="editor",
        language=language,
        message=message,
        translation=translation,
        form=form,
        checked=checked,
        pending=[
            (s, review_forms[s.id], services.run_checks(message, code, s.strings, terms))
            for s in pending
        ],
        terms=services.matching_terms(message, terms),
        events=services.history(message, code),
        plural_info=plural_forms(language.babel) if message.is_plural else (),
        reviewer=is_reviewer(code),
        may_publish=may_publish(code),
        previous=previous,
        following=following,
        filters={k: v for k, v in request.args.items() if k in ("status", "q")},
        status=status,
    )


def _initial(translation) -> dict:
    if translation is None:
        return {}
    return {f"text{index}": text for index, text in enumerate(translation.strings)}


@bp.route("/messages/<int:message_id>", methods=["GET", "POST"])
@for_language(*TEAM)
def message(message_id: int):
    """The editor: check and preview, suggest, publish or approve."""
    language = _language()
    item = _message(message_id)
    if request.method == "GET":
        return _message_page(item, language)
    form = MessageForm().configure(item, language, is_reviewer(language.code))
    action = request.form.get("action", "suggest")
    if not form.validate_on_submit():
        return _message_page(item, language, form=form, status=INVALID)
    if action == "preview":
        checked = services.run_checks(item, language.code, form.texts())
        return _message_page(item, language, form=form, checked=checked)
    how = _how(action, language.code)
    try:
        services.save(item, language.code, form.texts(), current_user, how, form.note.data or "")
    except services.ChecksFailed as failed:
        form.add_issues(failed.result.errors)
        return _message_page(item, language, form=form, status=INVALID, checked=failed.result)
    db.session.commit()
    if how != services.SUGGEST:
        services.after_commit([language.code])
    flash(_saved_message(how), "success")
    return redirect_to(url_for(".message", message_id=item.id, **_kept_filters()))


def _how(action: str, code: str) -> str:
    """What a press of ``action`` may do for this account: approve, publish or suggest."""
    if action == "approve" and is_reviewer(code):
        return services.APPROVE
    if action == "publish" and may_publish(code):
        return services.PUBLISH
    return services.SUGGEST


def _saved_message(how: str) -> str:
    return {
        services.APPROVE: _("Approved. Every page shows it within seconds."),
        services.PUBLISH: _("Published. Every page shows it within seconds."),
        services.SUGGEST: _("Suggestion saved. A reviewer will look at it."),
    }[how]


def _kept_filters() -> dict:
    return {k: v[:200] for k, v in request.args.items() if k in ("status", "q")}


@bp.route("/messages/<int:message_id>/check", methods=["POST"])
@for_language(*TEAM)
def check(message_id: int):
    """Live checks and preview while typing (htmx); a fragment of the editor."""
    language = _language()
    item = _message(message_id)
    form = MessageForm().configure(item, language)
    form.validate()
    checked = services.run_checks(item, language.code, form.texts())
    return render(
        "translate/_checks.html",
        block=None,
        language=language,
        message=item,
        form=form,
        checked=checked,
        plural_info=plural_forms(language.babel) if item.is_plural else (),
    )


@bp.route("/suggestions/<int:suggestion_id>", methods=["POST"])
@for_language(Role.REVIEWER)
def review(suggestion_id: int):
    """Approve a suggestion, or reject it with a comment."""
    language = _language()
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    if suggestion.locale != language.code:
        abort(404)
    item = _message(suggestion.message_id)
    form = ReviewForm(prefix=f"s{suggestion.id}")
    decision = request.form.get("decision", "approve")
    if not form.validate_for(decision):
        return _message_page(item, language, review_forms={suggestion.id: form}, status=INVALID)
    try:
        if decision == "reject":
            services.reject(suggestion, current_user, form.comment.data)
            done = _("Suggestion rejected. The translator sees your comment.")
        else:
            services.accept(suggestion, current_user, form.comment.data or "")
            done = _("Approved. Every page shows it within seconds.")
    except services.AlreadyReviewed:
        flash(_("Someone else reviewed this suggestion a moment ago."), "info")
        return redirect_to(url_for(".message", message_id=item.id))
    except services.ChecksFailed as failed:
        for issue in failed.result.errors:
            form.comment.errors = [*form.comment.errors, issue.message]
        return _message_page(item, language, review_forms={suggestion.id: form}, status=INVALID)
    db.session.commit()
    if decision != "reject":
        services.after_commit([language.code])
    flash(done, "success")
    return redirect_to(url_for(".message", message_id=item.id))


# --- glossary ------------------------------------------------------------------------------------


@bp.route("/glossary")
@for_language(*TEAM)
def glossary():
    """The language's glossary; reviewers add and remove entries."""
    return _glossary_page(GlossaryForm())


@bp.route("/glossary/terms", methods=["POST"])
@for_language(Role.REVIEWER)
def add_term():
    language = _language()
    form = GlossaryForm()
    if not form.validate_on_submit():
        return _glossary_page(form)
    values = (language.code, form.kind.data, form.term.data or "", form.translation.data or "")
    if services.term_exists(*values):
        flash(_("That entry is already in the glossary."), "info")
    else:
        services.add_term(*values, form.note.data or "", current_user)
        db.session.commit()
        flash(_("Added to the glossary. The editor checks it from now on."), "success")
    return redirect_to(url_for(".glossary"))


def _glossary_page(form: GlossaryForm):
    language = _language()
    return render(
        "translate/glossary.html",
        block="glossary",
        language=language,
        form=form,
        terms=services.glossary(language.code),
        reviewer=is_reviewer(language.code),
        confirm=ConfirmForm(),
        status=INVALID if form.errors else 200,
    )


@bp.route("/glossary/<int:term_id>/delete", methods=["POST"])
@for_language(Role.REVIEWER)
def delete_term(term_id: int):
    language = _language()
    term = db.get_or_404(GlossaryTerm, term_id)
    if term.locale != language.code:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_term(term, current_user)
    db.session.commit()
    flash(_("Removed from the glossary."), "success")
    return redirect_to(url_for(".glossary"))


# --- import and export ---------------------------------------------------------------------------


@bp.route("/export")
@for_language(*TEAM)
def export():
    """The language's catalog as a .po file, with every live translation."""
    language = _language()
    try:
        data = pofiles.export_po(language.code)
    except FileNotFoundError:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "text/x-gettext-translation; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="messages-{language.code}.po"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import", methods=["GET", "POST"])
@for_language(*TEAM)
def import_catalog():
    """Upload a .po file: its translations become suggestions (approved for a reviewer)."""
    language = _language()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        data = form.file.data.read()
        approve = is_reviewer(language.code)
        try:
            report = services.import_catalog(language.code, data, current_user, approve=approve)
        except pofiles.InvalidCatalog:
            form.file.errors = [_("This file is not a .po catalog we can read.")]
        except services.WrongLanguage as wrong:
            form.file.errors = [_("This file is for another language (%(code)s).", code=str(wrong))]
        else:
            db.session.commit()
            if report.changed:
                services.after_commit([language.code])
    return render(
        "translate/import.html",
        block="import",
        language=language,
        form=form,
        report=report,
        reviewer=is_reviewer(language.code),
        status=INVALID if form.errors else 200,
    )


# --- content translations ------------------------------------------------------------------------


def content_kind_labels() -> dict[str, str]:
    return {
        "": _("All kinds of text"),
        content_translation.PROFILE: _("School profiles"),
        content_translation.PROGRAM: _("Program descriptions"),
        content_translation.ACADEMY: _("Family Academy offerings"),
    }


@bp.route("/content")
@for_language(*TEAM)
def content():
    """School profiles, program descriptions and academy offerings to translate, by state."""
    language = _language()
    state = request.args.get("state", "all")
    state = state if state in content_translation.STATES else "all"
    kind = request.args.get("kind", "")
    kind = kind if kind in content_translation.KINDS else ""
    query = request.args.get("q", "")[:200]
    found = content_translation.items(language.code)
    counts = {name: 0 for name in content_translation.STATES}
    for entry in found:
        counts[entry.state] += 1
    counts["all"] = len(found)
    matching = content_translation.filter_items(found, state, kind, query)
    number = page_number(request.args.get("page"))
    start = (number - 1) * PER_PAGE
    page = Page(matching[start : start + PER_PAGE], number, PER_PAGE, len(matching))
    return render(
        "translate/content_list.html",
        block="results",
        language=language,
        page=page,
        state=state,
        kind=kind,
        query=query,
        counts=counts,
        state_labels=content_translation.state_labels(),
        kind_labels=content_kind_labels(),
        announce=ngettext("%(num)d text", "%(num)d texts", page.total) if request.args else None,
    )


def _content_form(kind: str, data=None, formdata=True):
    from app.academy.forms import TranslationForm
    from app.schools.forms import ProfileForm, ProgramTextForm

    form_class = {
        content_translation.PROFILE: ProfileForm,
        content_translation.PROGRAM: ProgramTextForm,
        content_translation.ACADEMY: TranslationForm,
    }[kind]
    if formdata:
        return form_class()
    return form_class(formdata=None, data=data)


def _content_values(kind: str, form) -> dict:
    return {name: form[name].data or "" for name in content_translation.fields_of(kind)}


@bp.route(
    "/content/<any(school_profile, program, academy_offering):kind>/<entity_id>",
    methods=["GET", "POST"],
)
@for_language(*TEAM)
def content_item(kind: str, entity_id: str):
    """Translate one text; a translator saves a draft, a reviewer publishes."""
    language = _language()
    entry = content_translation.item(kind, entity_id[:32], language.code)
    if entry is None:
        abort(404)
    action = request.form.get("action", "draft")
    if request.method == "POST":
        form = _content_form(kind)
        if form.validate_on_submit():
            publish = action == "publish" and may_publish(language.code)
            values = _content_values(kind, form)
            terms = services.glossary(language.code)
            try:
                content_translation.save(
                    entry, language.code, values, current_user, publish=publish, terms=terms
                )
            except content_translation.FieldsFailed as failed:
                for name, issues in failed.fields.items():
                    form[name].errors = [*form[name].errors, *(i.message for i in issues)]
            else:
                db.session.commit()
                done = _("Published. Families see it now.") if publish else _("Draft saved.")
                flash(done, "success")
                return redirect_to(url_for(".content_item", kind=kind, entity_id=entity_id))
    else:
        form = _content_form(kind, entry.latest.fields if entry.latest else None, formdata=False)
    return _content_page(entry, language, form, status=INVALID if form.errors else 200)


def _content_page(entry, language, form, status=200, send_back_form=None):
    from app.content import services as versions

    history = versions.history(entry.kind, entry.entity_id, language.code)[:20]
    terms = services.glossary(language.code)
    warnings = []
    if entry.latest is not None:
        warnings = content_translation.check_fields(
            entry.english.fields, entry.latest.fields, terms
        ).warnings
    return render(
        "translate/content_item.html",
        block="editor",
        language=language,
        entry=entry,
        form=form,
        fields=entry.fields,
        state_labels=content_translation.state_labels(),
        earlier_english=content_translation.english_when_translated(
            entry.published if entry.state == "needs_update" else None
        ),
        history=history,
        reviews=content_translation.reviews(history),
        warnings=warnings,
        reviewer=is_reviewer(language.code),
        may_publish=may_publish(language.code),
        send_back_form=send_back_form or SendBackForm(formdata=None),
        confirm=ConfirmForm(),
        status=status,
    )


@bp.route("/content/versions/<int:version_id>/publish", methods=["POST"])
@for_language(Role.REVIEWER)
def publish_content(version_id: int):
    """A reviewer publishes a translator's draft."""
    from app.content import services as versions

    language = _language()
    version, _entry = _draft(version_id, language)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    versions.publish(version, current_user)
    db.session.commit()
    flash(_("Published. Families see it now."), "success")
    return redirect_to(
        url_for(".content_item", kind=version.entity_type, entity_id=version.entity_id)
    )


@bp.route("/content/versions/<int:version_id>/send-back", methods=["POST"])
@for_language(Role.REVIEWER)
def send_back_content(version_id: int):
    """A reviewer sends a draft back to the translator with a comment."""
    language = _language()
    version, entry = _draft(version_id, language)
    form = SendBackForm()
    if not form.validate_on_submit():
        data = entry.latest.fields if entry.latest else None
        edit_form = _content_form(entry.kind, data, formdata=False)
        return _content_page(entry, language, edit_form, INVALID, send_back_form=form)
    content_translation.send_back(version, current_user, form.comment.data)
    db.session.commit()
    flash(_("Sent back to the translator with your comment."), "success")
    return redirect_to(
        url_for(".content_item", kind=version.entity_type, entity_id=version.entity_id)
    )


def _draft(version_id: int, language: Language):
    version = db.get_or_404(ContentVersion, version_id)
    if version.locale != language.code or version.entity_type not in content_translation.KINDS:
        abort(404)
    entry = content_translation.item(version.entity_type, version.entity_id, language.code)
    if entry is None:
        abort(404)
    return version, entry
