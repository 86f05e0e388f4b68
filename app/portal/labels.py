"""Translated names for what the portal stores as codes."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.i18n.locales import DEFAULT, LANGUAGES, from_tag

RELATIONS = {
    "mother": _l("Mother"),
    "father": _l("Father"),
    "parent": _l("Parent"),
    "guardian": _l("Legal guardian"),
    "stepparent": _l("Stepparent"),
    "grandparent": _l("Grandparent"),
    "foster_parent": _l("Foster parent"),
    "caregiver": _l("Caregiver"),
    "other": _l("Other relative or adult"),
}

# Why school staff decline a request; the family reads the reason in its own language.
DENY_REASONS = {
    "not_verified": _l("We could not confirm who you are."),
    "not_on_card": _l(
        "You are not listed as a parent or guardian on the student's emergency card."
    ),
    "no_student": _l("We could not find this student at our school."),
    "restricted": _l("A court order or a school record does not allow this link."),
    "other": _l("Another reason, explained in the note."),
}

# Why school staff end a link.
END_REASONS = {
    "court_order": _l("A court order limits this person's access."),
    "not_guardian": _l("This person is no longer a parent or guardian of the student."),
    "linked_in_error": _l("The link was made by mistake."),
    "family_asked": _l("The family asked for it."),
    "other": _l("Another reason, explained in the note."),
}

# LAUSD's six Local Districts. Real data carries none; demo schools get one derived from
# their code (see :func:`app.portal.dashboard.local_district_of`).
LOCAL_DISTRICTS = {
    "central": _l("Central"),
    "east": _l("East"),
    "northeast": _l("Northeast"),
    "northwest": _l("Northwest"),
    "south": _l("South"),
    "west": _l("West"),
}

# Home-language codes the Home Language Survey uses that are spelled differently from our
# interface languages' codes.
_HOME_TO_INTERFACE = {"yue": "zh_Hant", "cmn": "zh_Hans", "zh-hk": "zh_Hant", "zh-tw": "zh_Hant"}


def letter_language(home_language: str | None) -> str:
    """The interface language (a code of :data:`LANGUAGES`) a family's letter is written in:
    the home language when the app speaks it, else English."""
    if not home_language:
        return DEFAULT
    code = home_language.strip().lower().replace("_", "-")
    return _HOME_TO_INTERFACE.get(code) or from_tag(code) or DEFAULT


def language_name(code: str | None) -> str:
    """A home language's name in the viewer's language (Babel knows them all), else the code."""
    if not code:
        return ""
    base = code.replace("-", "_")
    try:
        viewer = Locale.parse(str(get_locale() or DEFAULT))
    except (UnknownLocaleError, ValueError):
        viewer = Locale.parse(DEFAULT)
    name = viewer.languages.get(base) or viewer.languages.get(base.split("_")[0])
    return name or code


def interface_babel(code: str) -> str:
    return LANGUAGES[code].babel
