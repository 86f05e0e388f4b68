from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import BaseForm
from app.portal import codes
from app.portal.labels import DENY_REASONS, END_REASONS, RELATIONS
from app.schools.grades import grade_label
from app.timeutil import to_district, utcnow

STUDENT_ID = re.compile(r"^\d{10}$")
PHONE = re.compile(r"^[0-9+().\- ]{7,32}$")
EARLIEST_BIRTH = date(1990, 1, 1)


def _digits_only(value):
    """A student ID as people type it: "123 456-7890" is 1234567890."""
    return re.sub(r"[\s\-]", "", value) if isinstance(value, str) else value


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


class BirthDateField(DateField):
    """A date of birth, typed or picked; what was typed stays in the box when it is wrong."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None  # the required check says what is missing
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Enter a real date as year-month-day, for example 2015-09-30.")
            ) from None

    def pre_validate(self, form):
        today = to_district(utcnow()).date()
        if self.data is not None and not (EARLIEST_BIRTH <= self.data <= today):
            raise ValidationError(_l("Enter a date of birth in the past, for example 2015-09-30."))


def _birth_date_field(label):
    return BirthDateField(
        label,
        validators=[InputRequired(_l("Enter the child's date of birth."))],
        render_kw={"type": "date", "autocomplete": "off", "dir": "ltr"},
    )


def _student_id_field(required: bool):
    first = DataRequired(_l("Enter the 10-digit student ID.")) if required else Optional()
    return StringField(
        _l("Student ID"),
        description=_l("10 digits. It is on the letter from the school and on report cards."),
        filters=[_digits_only],
        validators=[first],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "dir": "ltr",
        },
    )


def _check_student_id(field) -> None:
    if field.data and not STUDENT_ID.match(field.data):
        raise ValidationError(_l("A student ID has exactly 10 digits, for example 1234567890."))


class LinkCodeForm(BaseForm):
    student_id = _student_id_field(required=True)
    birth_date = _birth_date_field(_l("Child's date of birth"))
    code = StringField(
        _l("Code from the letter"),
        description=_l(
            "10 letters and numbers, for example K7M3Q-RW9TX. Small or capital letters both work."
        ),
        validators=[DataRequired(_l("Enter the code from the letter."))],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "dir": "ltr",
        },
    )

    def validate_student_id(self, field):
        _check_student_id(field)

    def validate_code(self, field):
        if not codes.is_well_formed(codes.normalize(field.data)):
            raise ValidationError(
                _l("The code has 10 letters and numbers, for example K7M3Q-RW9TX.")
            )


class SchoolSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Your child's school"),
        description=_l("Type part of the school's name, its street or its ZIP code."),
        validators=[_at_most(200)],
        render_kw={"type": "search", "autocomplete": "off"},
    )


class LinkRequestForm(BaseForm):
    first_name = StringField(
        _l("Child's first name"),
        validators=[DataRequired(_l("Enter the child's first name.")), _at_most(100)],
        render_kw={"autocomplete": "off"},
    )
    last_name = StringField(
        _l("Child's last name"),
        validators=[DataRequired(_l("Enter the child's last name.")), _at_most(100)],
        render_kw={"autocomplete": "off"},
    )
    birth_date = _birth_date_field(_l("Child's date of birth"))
    student_id = _student_id_field(required=False)
    requester_name = StringField(
        _l("Your full name"),
        description=_l("As it is written on the child's emergency card."),
        validators=[DataRequired(_l("Enter your full name.")), _at_most(200)],
        render_kw={"autocomplete": "name"},
    )
    relation = SelectField(
        _l("You are the child's"),
        choices=lambda: [("", _l("Choose one"))] + list(RELATIONS.items()),
        validators=[DataRequired(_l("Choose how you are related to the child."))],
        validate_choice=True,
    )
    phone = StringField(
        _l("Your phone number"),
        description=_l("The school may call you to check who you are."),
        validators=[DataRequired(_l("Enter a phone number the school can call.")), _at_most(32)],
        render_kw={"type": "tel", "autocomplete": "tel", "dir": "ltr"},
    )
    message = TextAreaField(
        _l("Anything the school should know (optional)"),
        validators=[_at_most(1000)],
    )

    def validate_student_id(self, field):
        _check_student_id(field)

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError(_l("Enter a phone number with digits, for example 213-555-0100."))


class BulkLettersForm(BaseForm):
    grade = SelectField(_l("Grade"), validate_choice=True, default="")
    only_unlinked = BooleanField(
        _l("Only students with no linked parent or guardian"), default=True
    )

    def set_grades(self, grades: list[int]) -> BulkLettersForm:
        self.grade.choices = [("", _l("Every grade"))] + [(str(g), grade_label(g)) for g in grades]
        return self


class StudentLettersForm(BaseForm):
    """One contact's letter (``contact`` given), or every eligible contact's (none given)."""

    contact = SelectMultipleField(coerce=int, validate_choice=True)


class StudentFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Name or student ID"), validators=[_at_most(100)], render_kw={"type": "search"}
    )
    grade = SelectField(_l("Grade"), validate_choice=True, default="")
    show = SelectField(
        _l("Show"),
        choices=lambda: [
            ("unlinked", _l("Students with no linked parent or guardian")),
            ("all", _l("All students")),
        ],
        validate_choice=True,
        default="unlinked",
    )

    def set_grades(self, grades: list[int]) -> StudentFilterForm:
        self.grade.choices = [("", _l("Every grade"))] + [(str(g), grade_label(g)) for g in grades]
        return self


class FindStudentForm(BaseForm):
    class Meta:
        csrf = False

    student = StringField(
        _l("Student ID"),
        filters=[_digits_only],
        validators=[_at_most(10)],
        render_kw={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"},
    )


class ApproveForm(BaseForm):
    student = HiddenField()
    contact = SelectField(
        _l("This person is, on the emergency card"),
        coerce=int,
        validate_choice=True,
        validators=[DataRequired(_l("Choose the person on the emergency card."))],
    )
    verified = BooleanField(
        _l(
            "I checked who this person is: by phone at a number on the emergency card, or in "
            "person with an ID."
        ),
        validators=[DataRequired(_l("Check who the person is before you approve."))],
    )


class DenyForm(BaseForm):
    reason = SelectField(
        _l("Reason the family will read"),
        choices=lambda: [("", _l("Choose one"))] + list(DENY_REASONS.items()),
        validators=[DataRequired(_l("Choose a reason."))],
        validate_choice=True,
    )
    note = TextAreaField(
        _l("Note to the family (optional)"),
        description=_l("For example, what to bring to the office. The family reads it as written."),
        validators=[_at_most(1000)],
    )

    def validate_note(self, field):
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Explain the reason in a note."))


class EndLinkForm(BaseForm):
    reason = SelectField(
        _l("Reason the family will read"),
        choices=lambda: [("", _l("Choose one"))] + list(END_REASONS.items()),
        validators=[DataRequired(_l("Choose a reason."))],
        validate_choice=True,
    )
    note = TextAreaField(_l("Note to the family (optional)"), validators=[_at_most(1000)])

    def validate_note(self, field):
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Explain the reason in a note."))
