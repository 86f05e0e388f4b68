from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from app.accounts.access import ROLE_LABELS, SCOPE_KIND, Role
from app.forms import BaseForm
from app.i18n.locales import LANGUAGES

PASSWORD_MIN = 10
PASSWORD_MAX = 128


def _email_field(new: bool = False, **kwargs):
    """An email input. Only a ``new`` address is checked strictly: existing accounts (the
    demo's ``.test`` addresses among them) must always be able to sign in."""
    validators = [
        DataRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("An email address has at most 254 characters.")),
    ]
    message = _l("Enter an email address like name@example.com.")
    if new:
        validators.append(Email(message, check_deliverability=False))
    else:
        validators.append(Regexp(r"^[^@\s]+@[^@\s]+$", message=message))
    return EmailField(
        _l("Email address"),
        validators=validators,
        render_kw={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"},
        **kwargs,
    )


def _new_password_field():
    return PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Use between %(min)d and %(max)d characters.",
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                ),
            ),
        ],
        description=_l(
            "At least %(min)d characters. A few words you will remember work well.",
            min=PASSWORD_MIN,
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _language_choices():
    return [(lang.code, lang.native_name) for lang in LANGUAGES.values()]


class SignUpForm(BaseForm):
    email = _email_field(new=True)
    password = _new_password_field()
    locale = SelectField(_l("Language for emails"), choices=_language_choices, validate_choice=True)


class PreferencesForm(BaseForm):
    locale = SelectField(
        _l("Language for emails"), choices=_language_choices, validate_choice=True
    )


class SignInForm(BaseForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("That password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class EmailOnlyForm(BaseForm):
    email = _email_field()


class NewPasswordForm(BaseForm):
    password = _new_password_field()


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class GrantRoleForm(BaseForm):
    role = SelectField(
        _l("Role"),
        choices=lambda: [(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(_l("Choose a role."))],
    )
    scope = StringField(
        _l("School CDS code or language"),
        description=_l(
            "School staff need the school's 14-digit CDS code; translators and reviewers "
            "need a language code such as es."
        ),
        validators=[Length(max=32, message=_l("At most %(max)d characters.", max=32))],
        render_kw={"dir": "ltr", "autocomplete": "off"},
    )

    def validate_scope(self, field):
        kind = SCOPE_KIND.get(Role(self.role.data)) if self.role.data in set(Role) else None
        if kind == "school" and not (field.data.isdigit() and len(field.data) == 14):
            raise ValidationError(_l("Enter the school's 14-digit CDS code."))
        if kind == "language" and field.data not in LANGUAGES:
            raise ValidationError(
                _l("Enter one of these language codes: %(codes)s.", codes=", ".join(LANGUAGES))
            )
        if kind is None and field.data:
            raise ValidationError(_l("This role applies everywhere; leave this empty."))


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Search by email"),
        validators=[Length(max=254, message=_l("At most %(max)d characters.", max=254))],
    )
