"""What families and staff read for the academy's codes, in their language."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.academy.models import IN_PERSON, ONLINE, PATHWAY, VIDEO, WEBINAR
from app.i18n.locales import LANGUAGES
from app.timeutil import to_district

KIND_LABELS = {
    WEBINAR: _l("Monthly webinar"),
    PATHWAY: _l("Equity Pathways course"),
    VIDEO: _l("On-demand video"),
}
TOPIC_LABELS = {
    "achievement": _l("Student achievement"),
    "healthy_families": _l("Healthy families"),
    "civic": _l("Civic engagement"),
    "career": _l("Professional growth and career pathways"),
    "multilingual": _l("Multilingual learners"),
    "black_families": _l("Black and African American families"),
    "disabilities": _l("Students with disabilities"),
    "early_childhood": _l("Early childhood education"),
}
FORMAT_LABELS = {ONLINE: _l("Online"), IN_PERSON: _l("In person")}
GRADE_BAND_LABELS = {
    "all": _l("Families of students of every age"),
    "early": _l("Early childhood (birth to transitional kindergarten)"),
    "elementary": _l("Elementary school (TK to grade 5)"),
    "middle": _l("Middle school (grades 6 to 8)"),
    "high": _l("High school (grades 9 to 12)"),
}
LOCAL_DISTRICT_LABELS = {
    "central": _l("Local District Central"),
    "east": _l("Local District East"),
    "northeast": _l("Local District Northeast"),
    "northwest": _l("Local District Northwest"),
    "south": _l("Local District South"),
    "west": _l("Local District West"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}


def language_name(code: str) -> str:
    """A language's name in the viewer's language ("Spanish", "스페인어")."""
    language = LANGUAGES.get(code)
    if language is None:
        return code
    try:
        name = Locale.parse(language.babel).get_display_name(get_locale())
    except (ValueError, TypeError):
        name = None
    return name or language.native_name


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in LANGUAGES]


LABELS = {
    "kind": KIND_LABELS,
    "topic": TOPIC_LABELS,
    "format": FORMAT_LABELS,
    "grade_band": GRADE_BAND_LABELS,
    "local_district": LOCAL_DISTRICT_LABELS,
    "status": STATUS_LABELS,
}


def label(code: str | None, group: str) -> str:
    """The label of ``code`` in ``group`` (the ``academy_label`` template filter)."""
    return str(LABELS[group].get(code or "", code or ""))


def _hour_skeleton(locale: Locale) -> str:
    return "Hm" if "H" in str(locale.time_formats["short"]) else "hm"


def when(starts_at: datetime, ends_at: datetime | None = None, with_weekday: bool = True) -> str:
    """ "Tuesday, November 3, 2026, 6:00 – 7:30 PM": a session's time in the viewer's language
    and the district's time zone, from naive-UTC values."""
    locale = get_locale() or Locale.parse("en")
    start = to_district(starts_at)
    date = format_date(start, "full" if with_weekday else "long", locale=locale)
    if ends_at is None:
        times = format_time(start, "short", locale=locale)
    else:
        end = to_district(ends_at)
        times = format_interval(start.timetz(), end.timetz(), _hour_skeleton(locale), locale=locale)
    return str(locale.datetime_formats["long"]).replace("{1}", date).replace("{0}", times)


def month_name(year: int, month: int) -> str:
    """ "November 2026" in the viewer's language."""
    locale = get_locale() or Locale.parse("en")
    return format_skeleton("yMMMM", date(year, month, 1), locale=locale)


def day(moment: datetime) -> str:
    """A stored naive-UTC moment's date in the district ("November 3, 2026")."""
    locale = get_locale() or Locale.parse("en")
    return format_date(to_district(moment), "long", locale=locale)
