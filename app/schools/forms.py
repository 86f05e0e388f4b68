from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from app.forms import BaseForm
from app.schools.grades import GRADES, grade_label
from app.schools.labels import DUAL_LANGUAGES, LEVELS, PROGRAM_TYPES
from app.schools.services import COORDINATES


def _any(label):
    return [("", label)]


def program_type_field() -> SelectField:
    """Any program type, or one; shared by the school finder and the enrollment catalog."""
    return SelectField(
        _l("Program"),
        choices=lambda: _any(_l("Any program")) + [(k, v) for k, v in PROGRAM_TYPES.items()],
        validate_choice=True,
        default="",
    )


def dual_language_field() -> SelectField:
    return SelectField(
        _l("Dual-language program in"),
        choices=lambda: _any(_l("Any language")) + [(k, v) for k, v in DUAL_LANGUAGES.items()],
        validate_choice=True,
        default="",
    )


class FinderForm(BaseForm):
    """The school finder's filters; a GET form whose state is the shareable URL."""

    class Meta:
        csrf = False

    q = StringField(
        _l("School name, address or ZIP code"),
        validators=[Length(max=200, message=_l("At most %(max)d characters.", max=200))],
        render_kw={"type": "search", "autocomplete": "off", "maxlength": 200},
    )
    level = SelectField(
        _l("Level"),
        choices=lambda: _any(_l("Any level")) + [(k, v) for k, v in LEVELS.items()],
        validate_choice=True,
        default="",
    )
    grade = SelectField(
        _l("Grade"),
        choices=lambda: _any(_l("Any grade")) + [(str(g), grade_label(g)) for g in GRADES],
        validate_choice=True,
        default="",
    )
    program = program_type_field()
    language = dual_language_field()
    charter = BooleanField(_l("Charter schools only"))
    magnet = BooleanField(_l("Magnet schools only"))
    near = StringField(
        _l("Near (ZIP code)"),
        description=_l("A 5-digit ZIP code. Results are sorted by distance."),
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 40},
    )

    def validate_near(self, field):
        if field.data and not (
            (field.data.isdigit() and len(field.data) == 5) or COORDINATES.match(field.data)
        ):
            raise ValidationError(_l("Enter a 5-digit ZIP code, such as 90012."))


class ProfileForm(BaseForm):
    """A school's own text, in one language."""

    mission = TextAreaField(
        _l("Mission and welcome"),
        description=_l("A few sentences families read first. At most 1,500 characters."),
        validators=[Length(max=1500, message=_l("At most %(max)d characters.", max=1500))],
    )
    highlights = TextAreaField(
        _l("Highlights"),
        description=_l("One per line: programs, clubs, arts, sports, support services."),
        validators=[Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
    )
    bell_schedule = TextAreaField(
        _l("Bell schedule"),
        description=_l(
            "For example: Monday to Friday 8:00 am to 2:30 pm; Tuesday early dismissal."
        ),
        validators=[Length(max=1000, message=_l("At most %(max)d characters.", max=1000))],
    )
    contacts = TextAreaField(
        _l("Contacts"),
        description=_l("Office hours, the office manager, the parent center, one per line."),
        validators=[Length(max=1000, message=_l("At most %(max)d characters.", max=1000))],
    )
    office_languages = StringField(
        _l("Languages spoken by office staff"),
        description=_l("For example: English, Spanish, Korean."),
        validators=[Length(max=200, message=_l("At most %(max)d characters.", max=200))],
    )

    FIELDS = ("mission", "highlights", "bell_schedule", "contacts", "office_languages")

    def validate_mission(self, field):
        if not field.data:
            raise ValidationError(_l("Write a few words of welcome; families read this first."))

    def values(self) -> dict:
        return {name: self[name].data or "" for name in self.FIELDS}


class ProgramTextForm(BaseForm):
    description = TextAreaField(
        _l("Program description"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
    )

    def validate_description(self, field):
        if not field.data:
            raise ValidationError(_l("Describe the program in a few sentences."))


class AddToCompareForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Add a school by name"),
        validators=[
            Optional(),
            Length(max=200, message=_l("At most %(max)d characters.", max=200)),
        ],
        render_kw={"type": "search", "autocomplete": "off"},
    )


CDS_CODE = Regexp(r"^\d{14}$")
