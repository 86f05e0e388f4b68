"""Forms of the Family Academy: catalog filters, registration, and the staff screens."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.academy.labels import (
    FORMAT_LABELS,
    GRADE_BAND_LABELS,
    KIND_LABELS,
    LOCAL_DISTRICT_LABELS,
    TOPIC_LABELS,
    language_choices,
    language_name,
    month_name,
)
from app.academy.models import (
    CAPTIONS,
    IN_PERSON,
    INSTRUCTION,
    INTERPRETATION,
    ONLINE,
    PATHWAY,
    PATHWAY_TOPICS,
    VIDEO,
    WEBINAR,
    WEBINAR_TOPICS,
)
from app.academy.services import OfferingFields
from app.academy.texts import english
from app.forms import BaseForm
from app.timeutil import DISTRICT_TZ

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ATTENDANCE_STATES = ("present", "absent", "clear")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _at_most(count: int):
    return Length(max=count, message=_l("At most %(max)d characters.", max=count))


def _choices(labels: dict, empty=None) -> list[tuple[str, str]]:
    found = [(code, label) for code, label in labels.items()]
    return ([("", empty)] if empty is not None else []) + found


class _ClearParseError:
    """A field whose unparsable input gets this project's message, in the page's language."""

    parse_error = _l("Not valid.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.parse_error)) from None


class LocalDateField(_ClearParseError, DateField):
    parse_error = _l("Enter a real date, such as 2027-03-01.")


class LocalTimeField(_ClearParseError, TimeField):
    parse_error = _l("Enter a time such as 18:30.")


class WholeNumberField(_ClearParseError, IntegerField):
    parse_error = _l("Enter a whole number, such as 25.")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered in a fieldset by the academy's macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- families ----------------------------------------------------------------------------


class CatalogFilterForm(BaseForm):
    """The catalog's filters, read from the query string so every result has a shareable URL."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        validators=[_at_most(200)],
        render_kw={"type": "search", "autocomplete": "off"},
    )
    kind = SelectField(
        _l("Kind"), choices=lambda: _choices(KIND_LABELS, _l("All kinds")), default=""
    )
    topic = SelectField(
        _l("Topic or pathway"), choices=lambda: _choices(TOPIC_LABELS, _l("All topics")), default=""
    )
    lang = SelectField(
        _l("Language"),
        choices=lambda: [("", _l("All languages")), *language_choices()],
        default="",
        description=_l("Taught in, interpreted into or captioned in."),
    )
    format = SelectField(
        _l("Format"), choices=lambda: _choices(FORMAT_LABELS, _l("Online or in person")), default=""
    )
    month = SelectField(_l("Month"), validate_choice=False, default="")

    def set_months(self, months: list[tuple[int, int]]) -> None:
        wanted = set(months)
        if self.month.data and MONTH.match(self.month.data):
            year, month = (int(part) for part in self.month.data.split("-"))
            wanted.add((year, month))
        self.month.choices = [("", _l("Any month"))] + [
            (f"{year:04d}-{month:02d}", month_name(year, month)) for year, month in sorted(wanted)
        ]

    def validate_month(self, field):
        if field.data and not MONTH.match(field.data):
            raise ValidationError(_l("Choose a month from the list."))

    def month_range(self) -> tuple[int, int] | None:
        if self.month.data and not self.month.errors and MONTH.match(self.month.data):
            year, month = (int(part) for part in self.month.data.split("-"))
            if 2000 <= year <= 2100:
                return year, month
        return None

    def value(self, name: str) -> str:
        """A filter's value, or '' when it was not valid (an invalid filter does not filter)."""
        field = self[name]
        return "" if field.errors else (field.data or "")


class RegisterForm(BaseForm):
    participant_name = StringField(
        _l("Your name (optional)"),
        description=_l("As you would like it on your certificate."),
        validators=[_at_most(120)],
        render_kw={"autocomplete": "name"},
    )
    interpretation = SelectField(
        _l("Interpretation"),
        default="",
        description=_l("An interpreter can join in your language, free of charge."),
    )
    zip_code = StringField(
        _l("Home ZIP code (optional)"),
        description=_l("Helps the district bring courses closer to families. 5 digits."),
        validators=[
            Optional(),
            _at_most(5),
            Regexp(r"^\d{5}$", message=_l("Enter 5 digits, or leave it empty.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "dir": "ltr"},
    )
    local_district = SelectField(
        _l("Your child’s local district (optional)"),
        choices=lambda: _choices(LOCAL_DISTRICT_LABELS, _l("I prefer not to say")),
        default="",
    )

    def offer(self, codes: list[str]) -> None:
        self.interpretation.choices = [("", _l("No interpretation needed"))] + [
            (code, language_name(code)) for code in codes
        ]


# --- staff -------------------------------------------------------------------------------


def _language_boxes(label, hint=None):
    return CheckboxesField(label, choices=language_choices, description=hint, validate_choice=True)


class OfferingForm(BaseForm):
    title = StringField(
        _l("Title in English"), validators=[DataRequired(_l("Enter a title.")), _at_most(200)]
    )
    description = TextAreaField(
        _l("Description in English"), validators=[_at_most(5000)], render_kw={"rows": 5}
    )
    slug = StringField(
        _l("Short name for the address"),
        description=_l(
            "Lowercase letters, digits and hyphens, such as reading-at-home. "
            "Leave empty to make one from the title."
        ),
        validators=[
            Optional(),
            _at_most(80),
            Regexp(SLUG, message=_l("Use lowercase letters, digits and hyphens.")),
        ],
        render_kw={"dir": "ltr", "autocomplete": "off"},
    )
    kind = SelectField(_l("Kind"), choices=lambda: _choices(KIND_LABELS))
    topic = SelectField(_l("Topic or pathway"), choices=lambda: _choices(TOPIC_LABELS))
    instruction = _language_boxes(_l("Taught in"))
    interpretation = _language_boxes(_l("Interpretation offered in"))
    captions = _language_boxes(_l("Captions (videos)"))
    format = SelectField(_l("Format"), choices=lambda: _choices(FORMAT_LABELS))
    join_url = URLField(
        _l("Join link (online)"),
        validators=[
            Optional(),
            _at_most(500),
            URL(message=_l("Enter a full link starting with https://.")),
        ],
        render_kw={"dir": "ltr"},
    )
    school_name = StringField(_l("School (in person)"), validators=[_at_most(200)])
    address = StringField(
        _l("Address (in person)"), validators=[_at_most(300)], render_kw={"autocomplete": "off"}
    )
    grade_band = SelectField(_l("Suits families of"), choices=lambda: _choices(GRADE_BAND_LABELS))
    partner = StringField(
        _l("Partner"),
        validators=[_at_most(200)],
        description=_l("Such as the Division of Adult and Career Education."),
    )
    capacity = WholeNumberField(
        _l("Seats"),
        description=_l("Leave empty for no limit."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("Enter a number from 1 to 100,000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    completion_required = WholeNumberField(
        _l("Sessions needed to graduate (pathways)"),
        description=_l("For example 6 of 8 sessions."),
        validators=[
            Optional(),
            NumberRange(min=1, max=50, message=_l("Enter a number from 1 to 50.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    video_url = URLField(
        _l("Video link (videos)"),
        validators=[
            Optional(),
            _at_most(500),
            URL(message=_l("Enter a full link starting with https://.")),
        ],
        render_kw={"dir": "ltr"},
    )
    duration_minutes = WholeNumberField(
        _l("Length in minutes (videos)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=600, message=_l("Enter a number from 1 to 600.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    transcript = TextAreaField(
        _l("Transcript in English (videos)"), validators=[_at_most(50_000)], render_kw={"rows": 5}
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field, message in self._rule_errors():
            field.errors = [*field.errors, message]
            valid = False
        return valid

    def _rule_errors(self):
        kind = self.kind.data
        if kind == WEBINAR and self.topic.data not in WEBINAR_TOPICS:
            yield self.topic, _l("A webinar has one of the four webinar topics.")
        if kind == PATHWAY and self.topic.data not in PATHWAY_TOPICS:
            yield self.topic, _l("A pathway course has one of the four Equity Pathways.")
        if not self.instruction.errors and not self.instruction.data:
            yield self.instruction, _l("Choose at least one language.")
        if kind == VIDEO:
            if not self.video_url.errors and not self.video_url.data:
                yield self.video_url, _l("Enter the video’s link.")
            return
        if self.format.data == ONLINE and not self.join_url.errors and not self.join_url.data:
            yield self.join_url, _l("Enter the link families use to join.")
        if self.format.data == IN_PERSON:
            if not self.school_name.errors and not self.school_name.data:
                yield self.school_name, _l("Enter the school.")
            if not self.address.errors and not self.address.data:
                yield self.address, _l("Enter the address.")
        if (
            kind == PATHWAY
            and not self.completion_required.errors
            and (self.completion_required.data is None)
        ):
            yield self.completion_required, _l("Enter how many sessions a graduate attends.")

    def fields(self) -> OfferingFields:
        video = self.kind.data == VIDEO
        online = self.format.data == ONLINE
        return OfferingFields(
            kind=self.kind.data,
            topic=self.topic.data,
            title=self.title.data,
            description=self.description.data or "",
            transcript=self.transcript.data or "",
            format=self.format.data,
            join_url=(self.join_url.data or "") if online and not video else "",
            school_name="" if online or video else self.school_name.data or "",
            address="" if online or video else self.address.data or "",
            grade_band=self.grade_band.data,
            partner=self.partner.data or "",
            capacity=None if video else self.capacity.data,
            completion_required=self.completion_required.data
            if self.kind.data == PATHWAY
            else None,
            video_url=(self.video_url.data or "") if video else "",
            duration_minutes=self.duration_minutes.data if video else None,
            languages={
                INSTRUCTION: list(self.instruction.data or []),
                INTERPRETATION: [] if video else list(self.interpretation.data or []),
                CAPTIONS: list(self.captions.data or []) if video else [],
            },
        )

    def load(self, offering) -> None:
        """Fill the form from a stored offering (the published English words)."""
        words = english(offering) or {}
        for name in (
            "kind",
            "topic",
            "format",
            "join_url",
            "school_name",
            "address",
            "grade_band",
            "partner",
            "capacity",
            "completion_required",
            "video_url",
            "duration_minutes",
            "slug",
        ):
            self[name].data = getattr(offering, name)
        self.title.data = words.get("title", "")
        self.description.data = words.get("description", "")
        self.transcript.data = words.get("transcript", "")
        self.instruction.data = offering.codes(INSTRUCTION)
        self.interpretation.data = offering.codes(INTERPRETATION)
        self.captions.data = offering.codes(CAPTIONS)


class TranslationForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), _at_most(200)])
    description = TextAreaField(
        _l("Description"), validators=[_at_most(5000)], render_kw={"rows": 5}
    )
    transcript = TextAreaField(
        _l("Transcript (videos)"), validators=[_at_most(50_000)], render_kw={"rows": 5}
    )


class SessionForm(BaseForm):
    """A session's date and times as staff read them on a Los Angeles clock."""

    day = LocalDateField(
        _l("Date"), validators=[InputRequired(_l("Enter the date."))], render_kw={"dir": "ltr"}
    )
    starts = LocalTimeField(
        _l("Starts at (Los Angeles time)"),
        validators=[InputRequired(_l("Enter the time it starts."))],
        render_kw={"dir": "ltr"},
    )
    ends = LocalTimeField(
        _l("Ends at (Los Angeles time)"),
        validators=[InputRequired(_l("Enter the time it ends."))],
        render_kw={"dir": "ltr"},
    )

    def validate_day(self, field):
        if field.data and not (date(2000, 1, 1) <= field.data <= date(2100, 12, 31)):
            raise ValidationError(_l("Enter a date between 2000 and 2100."))

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("The end must be after the start."))

    def utc_range(self) -> tuple[datetime, datetime]:
        """The entered local times as naive UTC, as every table stores them."""
        return _to_utc(self.day.data, self.starts.data), _to_utc(self.day.data, self.ends.data)

    def load(self, session) -> None:
        from app.timeutil import to_district

        start, end = to_district(session.starts_at), to_district(session.ends_at)
        self.day.data, self.starts.data, self.ends.data = start.date(), start.time(), end.time()


def _to_utc(day: date, moment: time) -> datetime:
    from datetime import UTC

    local = datetime.combine(day, moment.replace(second=0, microsecond=0), tzinfo=DISTRICT_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


class AttendanceForm(BaseForm):
    state = HiddenField(validators=[AnyOf(ATTENDANCE_STATES)])


class DashboardForm(BaseForm):
    class Meta:
        csrf = False

    year = SelectField(_l("School year"), validate_choice=False)

    def set_years(self, years: list[int], current: int) -> int:
        self.year.choices = [(str(y), f"{y}–{str(y + 1)[-2:]}") for y in years]
        try:
            wanted = int(self.year.data or current)
        except ValueError:
            wanted = current
        if wanted not in years:
            wanted = current
        self.year.data = str(wanted)
        return wanted
