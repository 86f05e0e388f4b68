"""Forms of unified enrollment: the family's application steps and the office's tools."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.enrollment.models import (
    CLAIM_KINDS,
    ELIGIBILITY_CHECKS,
    HOME_LANGUAGES,
    MAX_CHOICES,
    REJECTION_REASONS,
    SIBLING,
    SOURCE_LABELS,
    STATUS_LABELS,
    WAITLIST_POLICIES,
)
from app.forms import BaseForm
from app.i18n.locales import LANGUAGES
from app.schools.forms import dual_language_field, program_type_field
from app.schools.grades import GRADES, grade_label
from app.schools.labels import PROGRAM_TYPES
from app.timeutil import to_district, utcnow


def _at_most(count: int):
    return Length(max=count, message=_l("At most %(max)d characters.", max=count))


def _any(label):
    return [("", label)]


def _grade_choices(blank):
    return lambda: _any(blank) + [(str(g), grade_label(g)) for g in GRADES]


def as_int(value) -> int | None:
    """A form's hidden number, or None for anything that is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2**31) < number < 2**31 else None


class LocalDateField(DateField):
    """A date with a translated message when it cannot be read."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter the date as year, month and day, for example 2020-03-27.")
            ) from None


class LocalDateTimeField(DateTimeLocalField):
    """A date and time on a Los Angeles clock, with a translated message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter a date and time, for example 2026-11-15 17:00.")
            ) from None


# --- the family's side ------------------------------------------------------------------------


class ProgramFilterForm(BaseForm):
    """Browsing programs: the finder's filters; a GET form whose state is the URL."""

    class Meta:
        csrf = False

    q = StringField(
        _l("School name, address or ZIP code"),
        validators=[_at_most(200)],
        render_kw={"type": "search", "autocomplete": "off", "maxlength": 200},
    )
    grade = SelectField(
        _l("Grade next school year"),
        choices=_grade_choices(_l("Any grade")),
        validate_choice=True,
        default="",
    )
    type = program_type_field()
    language = dual_language_field()


class ChildForm(BaseForm):
    """The child's details: the first step of an application."""

    first_name = StringField(
        _l("Child’s first name"),
        validators=[DataRequired(_l("Enter your child’s first name.")), _at_most(100)],
        render_kw={"autocomplete": "off"},
    )
    last_name = StringField(
        _l("Child’s last name"),
        validators=[DataRequired(_l("Enter your child’s last name.")), _at_most(100)],
        render_kw={"autocomplete": "off"},
    )
    date_of_birth = LocalDateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Enter your child’s date of birth."))],
        render_kw={"dir": "ltr"},
    )
    grade = SelectField(
        _l("Grade next school year"),
        description=_l("The grade your child will be in when the new school year starts."),
        choices=_grade_choices(_l("Choose a grade")),
        validators=[DataRequired(_l("Choose the grade your child will be in next year."))],
        validate_choice=False,
    )
    current_school = StringField(
        _l("Current school (optional)"),
        description=_l("Leave it empty if your child does not go to school yet."),
        validators=[_at_most(200)],
    )
    street = StringField(
        _l("Home address: street and number"),
        validators=[DataRequired(_l("Enter your home address.")), _at_most(200)],
        render_kw={"autocomplete": "street-address"},
    )
    city = StringField(
        _l("City"),
        validators=[DataRequired(_l("Enter your city.")), _at_most(100)],
        render_kw={"autocomplete": "address-level2"},
    )
    zip_code = StringField(
        _l("ZIP code"),
        validators=[
            DataRequired(_l("Enter your ZIP code.")),
            Regexp(r"^\d{5}$", message=_l("Enter a 5-digit ZIP code, such as 90012.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5,
                   "dir": "ltr"},
    )
    home_language = SelectField(
        _l("Language spoken at home"),
        choices=lambda: _any(_l("Choose a language")) + list(HOME_LANGUAGES.items()),
        validators=[DataRequired(_l("Choose the language spoken at home."))],
        validate_choice=False,
    )
    student_id = StringField(
        _l("LAUSD student ID (optional)"),
        description=_l("If your child already goes to an LAUSD school: the number on the "
                       "report card. Leave it empty if there is none."),
        validators=[
            Optional(),
            Regexp(r"^\d{6,10}$", message=_l("A student ID has 6 to 10 digits and nothing else.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"},
    )
    version = HiddenField()
    client_token = HiddenField()

    FIELDS = ("first_name", "last_name", "date_of_birth", "grade", "current_school", "street",
              "city", "zip_code", "home_language", "student_id")

    def validate_grade(self, field):
        if field.data and field.data not in {str(g) for g in GRADES}:
            raise ValidationError(_l("Choose the grade your child will be in next year."))

    def validate_home_language(self, field):
        if field.data and field.data not in HOME_LANGUAGES:
            raise ValidationError(_l("Choose the language spoken at home."))

    def validate_date_of_birth(self, field):
        if field.data is None:
            return
        today = to_district(utcnow()).date()
        if field.data >= today:
            raise ValidationError(_l("The date of birth must be in the past."))
        if field.data.year < today.year - 22:
            raise ValidationError(_l("Check the year: your child would be over 21."))

    def new_token(self) -> None:
        self.client_token.data = secrets.token_hex(16)


class VersionForm(BaseForm):
    """A button that changes the application: the CSRF token and the version it was shown at."""

    version = HiddenField()


class AddChoiceForm(VersionForm):
    cycle_program = HiddenField()


class SubmitForm(VersionForm):
    submission_token = HiddenField()
    confirm = BooleanField(
        _l("The information in this application is true and complete, as far as I know."),
        validators=[DataRequired(_l("Confirm that the information is true to send it."))],
    )

    def new_token(self) -> None:
        self.submission_token.data = secrets.token_hex(16)


class ChoiceClaimsForm(BaseForm):
    """The priorities claimed for one choice (rendered once per choice, with a prefix)."""

    class Meta:
        csrf = False

    sibling = BooleanField(CLAIM_KINDS[SIBLING])
    sibling_name = StringField(
        _l("The brother’s or sister’s full name"), validators=[_at_most(200)],
        render_kw={"autocomplete": "off"},
    )
    sibling_student_id = StringField(
        _l("Their LAUSD student ID"),
        validators=[
            Optional(),
            Regexp(r"^\d{6,10}$", message=_l("A student ID has 6 to 10 digits and nothing else.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"},
    )
    matriculation = BooleanField(CLAIM_KINDS["matriculation"])
    attendance_area = BooleanField(CLAIM_KINDS["attendance_area"])
    staff_child = BooleanField(CLAIM_KINDS["staff_child"])

    KINDS = tuple(CLAIM_KINDS)

    def validate_sibling_name(self, field):
        if self.sibling.data and not field.data:
            raise ValidationError(_l("Enter the brother’s or sister’s name."))

    def validate_sibling_student_id(self, field):
        if self.sibling.data and not field.data:
            raise ValidationError(_l("Enter the brother’s or sister’s student ID."))

    def kinds(self) -> set[str]:
        return {kind for kind in self.KINDS if self[kind].data}


# --- the office's side ------------------------------------------------------------------------


class CycleForm(BaseForm):
    school_year = StringField(
        _l("School year"),
        description=_l("The year families apply for, for example 2027-28."),
        validators=[
            DataRequired(_l("Enter the school year.")),
            Regexp(r"^\d{4}-\d{2}$", message=_l("Write the school year like 2027-28.")),
        ],
        render_kw={"dir": "ltr"},
    )
    opens_at = LocalDateTimeField(
        _l("Applications open (Los Angeles time)"),
        validators=[InputRequired(_l("Enter when applications open."))],
    )
    on_time_closes_at = LocalDateTimeField(
        _l("On-time applications close (Los Angeles time)"),
        validators=[InputRequired(_l("Enter when on-time applications close."))],
    )
    late_closes_at = LocalDateTimeField(
        _l("Late applications close (Los Angeles time)"),
        validators=[InputRequired(_l("Enter when late applications close."))],
    )
    results_at = LocalDateTimeField(
        _l("Results are released (Los Angeles time)"),
        validators=[InputRequired(_l("Enter when results are released."))],
    )
    respond_by = LocalDateTimeField(
        _l("Families must answer an offer by (Los Angeles time)"),
        validators=[InputRequired(_l("Enter the date by which families must answer."))],
    )
    waitlist_policy = SelectField(
        _l("Waitlists"),
        choices=lambda: list(WAITLIST_POLICIES.items()),
        validate_choice=True,
    )
    max_choices = IntegerField(
        _l("Most programs a family may rank"),
        default=MAX_CHOICES,
        validators=[
            InputRequired(_l("Enter a number from 1 to 12.")),
            NumberRange(1, MAX_CHOICES, message=_l("Enter a number from 1 to 12.")),
        ],
    )

    DATES = ("opens_at", "on_time_closes_at", "late_closes_at", "results_at", "respond_by")

    def validate_school_year(self, field):
        data = field.data or ""
        if len(data) == 7 and data[:4].isdigit() and data[5:] != f"{(int(data[:4]) + 1) % 100:02d}":
            raise ValidationError(_l("Write the school year like 2027-28."))

    def validate_respond_by(self, field):
        values = [self[name].data for name in self.DATES]
        if all(values) and not all(a < b for a, b in zip(values, values[1:], strict=False)):
            raise ValidationError(
                _l("The dates must follow each other: open, on-time close, late close, "
                   "results, answer by.")
            )


class ExtendForm(BaseForm):
    window = RadioField(
        _l("Window to extend"),
        choices=lambda: [
            ("on_time", _l("On-time applications")), ("late", _l("Late applications"))
        ],
        validators=[InputRequired(_l("Choose the window to extend."))],
    )
    closes_at = LocalDateTimeField(
        _l("New closing time (Los Angeles time)"),
        validators=[InputRequired(_l("Enter the new closing time."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept in the audit log, for example: the site was down on the last day."),
        validators=[DataRequired(_l("Enter the reason for the extension.")), _at_most(500)],
    )


class AddProgramForm(BaseForm):
    program_id = HiddenField()
    eligibility_check = SelectField(
        _l("Eligibility check"),
        choices=lambda: list(ELIGIBILITY_CHECKS.items()),
        validate_choice=True,
    )


class ProgramSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Find a school’s programs"),
        validators=[_at_most(200)],
        render_kw={"type": "search", "autocomplete": "off"},
    )


def seats_form(grades: list[int], formdata=None, data=None) -> BaseForm:
    """A form with a seats field for each grade in ``grades`` and the eligibility check."""

    class SeatsForm(BaseForm):
        eligibility_check = SelectField(
            _l("Eligibility check"),
            description=_l("Applications to a program with a check wait as “pending "
                           "verification” until the office confirms eligibility."),
            choices=lambda: list(ELIGIBILITY_CHECKS.items()),
            validate_choice=True,
        )

    for grade in grades:
        setattr(
            SeatsForm,
            seats_field(grade),
            IntegerField(
                _l("Seats in %(grade)s", grade=grade_label(grade)),
                validators=[
                    Optional(),
                    NumberRange(0, 5000, message=_l("Enter a number from 0 to 5,000.")),
                ],
                render_kw={"inputmode": "numeric"},
            ),
        )
    return SeatsForm(formdata=formdata, data=data)


def seats_field(grade: int) -> str:
    return f"seats_{grade + 2}"  # PK is grade -2: names stay non-negative


class RuleForm(BaseForm):
    class Meta:
        csrf = False

    active = BooleanField(_l("Accepted this year"))
    tier = IntegerField(
        _l("Tier (0 is served first)"),
        validators=[InputRequired(_l("Enter a number from 0 to 9.")),
                    NumberRange(0, 9, message=_l("Enter a number from 0 to 9."))],
    )
    points = IntegerField(
        _l("Points"),
        validators=[InputRequired(_l("Enter a number from 0 to 100.")),
                    NumberRange(0, 100, message=_l("Enter a number from 0 to 100."))],
    )


class DecisionForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=lambda: [("verify", _l("Verified")), ("reject", _l("Not accepted"))],
        validators=[InputRequired(_l("Choose verified or not accepted."))],
    )
    reason = SelectField(
        _l("Reason, if not accepted"),
        description=_l("The family reads this reason in its own language."),
        choices=lambda: _any(_l("Choose a reason")) + list(REJECTION_REASONS.items()),
        validate_choice=True,
        default="",
    )
    note = TextAreaField(
        _l("Note to the family (optional)"),
        description=_l("Shown as you write it, without translation."),
        validators=[_at_most(500)],
        render_kw={"rows": 2},
    )

    def validate_reason(self, field):
        if self.decision.data == "reject" and not field.data:
            raise ValidationError(_l("Choose the reason the claim is not accepted."))


class EligibilityForm(BaseForm):
    decision = RadioField(
        _l("Eligibility"),
        choices=lambda: [("eligible", _l("Eligible")), ("not_eligible", _l("Not eligible"))],
        validators=[InputRequired(_l("Choose eligible or not eligible."))],
    )


class StaffFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Child’s name or confirmation number"),
        validators=[_at_most(200)],
        render_kw={"type": "search", "autocomplete": "off"},
    )
    status = SelectField(
        _l("Status"),
        choices=lambda: _any(_l("Any status")) + list(STATUS_LABELS.items()),
        validate_choice=True,
        default="",
    )
    grade = SelectField(
        _l("Grade next school year"), choices=_grade_choices(_l("Any grade")),
        validate_choice=True, default="",
    )
    school = SelectField(_l("School"), validate_choice=True, default="")
    type = SelectField(
        _l("Program"),
        choices=lambda: _any(_l("Any program")) + [(k, v) for k, v in PROGRAM_TYPES.items()],
        validate_choice=True,
        default="",
    )
    late = SelectField(
        _l("On time or late"),
        choices=lambda: _any(_l("Both")) + [("on_time", _l("On time")), ("late", _l("Late"))],
        validate_choice=True,
        default="",
    )
    source = SelectField(
        _l("Received"),
        choices=lambda: _any(_l("Online or paper")) + list(SOURCE_LABELS.items()),
        validate_choice=True,
        default="",
    )
    claims = SelectField(
        _l("Priority claims"),
        choices=lambda: _any(_l("All")) + [("pending", _l("Waiting for verification"))],
        validate_choice=True,
        default="",
    )
    duplicates = BooleanField(_l("Possible duplicates only"))

    def set_schools(self, schools: list[tuple[str, str]]) -> None:
        self.school.choices = _any(_l("Any school")) + schools


class PaperForm(ChildForm):
    """A paper application, typed in by the office: the child, the parent, and up to 12
    ranked programs (``program_1`` ...), each with an optional sibling claim."""

    contact_name = StringField(
        _l("Parent or guardian’s name"),
        validators=[DataRequired(_l("Enter the parent or guardian’s name.")), _at_most(200)],
    )
    contact_email = EmailField(
        _l("Their email address (optional)"),
        description=_l("The confirmation and decisions are sent here."),
        validators=[
            Optional(),
            _at_most(254),
            Email(_l("Enter an email address like name@example.com."),
                  check_deliverability=False),
        ],
        render_kw={"dir": "ltr"},
    )
    contact_phone = StringField(
        _l("Their phone number (optional)"), validators=[_at_most(32)],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    contact_locale = SelectField(
        _l("Language for letters and emails"),
        choices=lambda: [(lang.code, lang.native_name) for lang in LANGUAGES.values()],
        validate_choice=True,
    )

    RANKS = range(1, MAX_CHOICES + 1)

    def set_programs(self, options: list[tuple[str, str]]) -> None:
        for rank in self.RANKS:
            self[f"program_{rank}"].choices = _any(_l("No program")) + options

    def rows(self) -> list[dict]:
        """Each ranked line's fields, for the template."""
        return [
            {
                "rank": rank,
                "program": self[f"program_{rank}"],
                "sibling": self[f"sibling_{rank}"],
                "sibling_name": self[f"sibling_name_{rank}"],
                "sibling_student_id": self[f"sibling_student_id_{rank}"],
            }
            for rank in self.RANKS
        ]

    def picked(self) -> list[tuple[str, bool, str, str]]:
        """(program, sibling claimed, sibling's name, sibling's ID) of each chosen line."""
        return [
            (row["program"].data, bool(row["sibling"].data), row["sibling_name"].data or "",
             row["sibling_student_id"].data or "")
            for row in self.rows()
            if row["program"].data
        ]

    def validate_program_1(self, field):
        values = [row["program"].data for row in self.rows() if row["program"].data]
        valid = {value for value, _ in field.choices or ()}
        if not values:
            raise ValidationError(_l("Choose at least one program."))
        if any(value not in valid for value in values):
            raise ValidationError(_l("Choose programs from the list."))
        if len(set(values)) != len(values):
            raise ValidationError(_l("Each program can be chosen only once."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.rows():
            if not row["sibling"].data:
                continue
            if not row["sibling_name"].data:
                row["sibling_name"].errors.append(_l("Enter the brother’s or sister’s name."))
                valid = False
            if not row["sibling_student_id"].data:
                row["sibling_student_id"].errors.append(
                    _l("Enter the brother’s or sister’s student ID.")
                )
                valid = False
        return valid


for _rank in PaperForm.RANKS:
    setattr(PaperForm, f"program_{_rank}",
            SelectField(_l("Choice %(rank)d", rank=_rank), validate_choice=False, default=""))
    setattr(PaperForm, f"sibling_{_rank}", BooleanField(CLAIM_KINDS[SIBLING]))
    setattr(PaperForm, f"sibling_name_{_rank}",
            StringField(_l("The brother’s or sister’s full name"), validators=[_at_most(200)]))
    setattr(PaperForm, f"sibling_student_id_{_rank}", StringField(
        _l("Their LAUSD student ID"),
        validators=[Optional(), Regexp(r"^\d{6,10}$", message=_l(
            "A student ID has 6 to 10 digits and nothing else."))],
        render_kw={"dir": "ltr", "inputmode": "numeric"},
    ))
