"""Forms of the translation workbench."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.forms import BaseForm
from app.translate.checks import CONTROL_CHARACTERS

try:
    from wtforms import SelectChoice
except ImportError:  # wtforms < 3.3 takes (value, label) pairs

    def SelectChoice(value, label):  # noqa: N802
        return value, label


from app.translate.models import FORBIDDEN, KEEP, REQUIRED
from app.translate.plurals import plural_forms

MAX_TEXT = 2000
MAX_COMMENT = 1000
MAX_FORMS = 6  # Arabic has the most plural forms


def printable(form, field) -> None:
    """Refuse invisible control characters (a NUL cannot even be stored in PostgreSQL)."""
    if field.data and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this text."))


def _text_field():
    return TextAreaField(
        _l("Translation"),
        validators=[
            Length(max=MAX_TEXT, message=_l("At most %(max)d characters.", max=MAX_TEXT)),
            printable,
        ],
        render_kw={"rows": 3, "spellcheck": "true"},
    )


def _comment_field(label, description=None):
    return TextAreaField(
        label,
        description=description,
        validators=[
            Length(max=MAX_COMMENT, message=_l("At most %(max)d characters.", max=MAX_COMMENT)),
            printable,
        ],
        render_kw={"rows": 2},
    )


class MessageForm(BaseForm):
    """A translation of one interface message: one text per plural form of the language."""

    text0 = _text_field()
    text1 = _text_field()
    text2 = _text_field()
    text3 = _text_field()
    text4 = _text_field()
    text5 = _text_field()
    note = _comment_field(
        _l("Note for the reviewer (optional)"),
        _l("For example, why you chose a word. Reviewers see it next to your suggestion."),
    )

    def configure(self, message, language, reviewer: bool = False) -> MessageForm:
        """Label the texts for ``language``; only as many as it has plural forms are used."""
        if reviewer:
            self.note.label.text = _("Comment for the history (optional)")
            self.note.description = _("Kept with this change, for the next translator.")
        self.count = 1
        self.forms = ()
        if message.is_plural:
            self.forms = plural_forms(language.babel)
            self.count = len(self.forms)
            for form in self.forms:
                field = self.text(form.index)
                field.label.text = _(
                    "Form %(number)d: %(categories)s",
                    number=form.index + 1,
                    categories=" / ".join(form.categories),
                )
                field.description = _(
                    "Used for %(examples)s…", examples=", ".join(map(str, form.examples))
                )
        else:
            self.text0.label.text = _(
                "Translation into %(language)s", language=language.native_name
            )
        return self

    def text(self, index: int):
        return self[f"text{index}"]

    @property
    def used(self) -> list:
        return [self.text(index) for index in range(self.count)]

    def texts(self) -> list[str]:
        return [field.data or "" for field in self.used]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self.used:
            if not field.data:
                field.errors = [*field.errors, _("Write the translation.")]
                valid = False
        return valid

    def add_issues(self, issues) -> None:
        """Show the checks that stopped a save next to the text they concern."""
        for issue in issues:
            field = self.text(issue.form if issue.form is not None else 0)
            if issue.message not in field.errors:
                field.errors = [*field.errors, issue.message]


class ReviewForm(BaseForm):
    """Approve or reject a suggestion; a rejection needs a comment for the translator."""

    comment = _comment_field(
        _l("Comment for the translator"), _l("Required when you reject a suggestion.")
    )

    def validate_for(self, decision: str) -> bool:
        valid = self.validate()
        if valid and decision == "reject" and not self.comment.data:
            self.comment.errors = [_("Tell the translator why, so that they can improve it.")]
            valid = False
        return valid


class GlossaryForm(BaseForm):
    kind = SelectField(
        _l("Kind of entry"),
        choices=[
            SelectChoice(REQUIRED, _l("Required translation of an English term")),
            SelectChoice(FORBIDDEN, _l("Forbidden word in this language")),
            SelectChoice(KEEP, _l("Keep in English (names of programs, the district)")),
        ],
        validate_choice=True,
        default=REQUIRED,
    )
    term = StringField(
        _l("English term"),
        description=_l("For example: magnet, LAUSD. Not needed for a forbidden word."),
        validators=[
            Length(max=100, message=_l("At most %(max)d characters.", max=100)),
            printable,
        ],
        render_kw={"dir": "ltr", "lang": "en", "autocomplete": "off"},
    )
    translation = StringField(
        _l("Word in this language"),
        description=_l("The required translation, or the forbidden word."),
        validators=[
            Length(max=100, message=_l("At most %(max)d characters.", max=100)),
            printable,
        ],
        render_kw={"autocomplete": "off"},
    )
    note = StringField(
        _l("Note (optional)"),
        validators=[
            Length(max=300, message=_l("At most %(max)d characters.", max=300)),
            printable,
        ],
    )

    def validate_term(self, field):
        if self.kind.data in (REQUIRED, KEEP) and not field.data:
            raise ValidationError(_l("Enter the English term."))

    def validate_translation(self, field):
        if self.kind.data in (REQUIRED, FORBIDDEN) and not field.data:
            raise ValidationError(_l("Enter the word in this language."))


class ImportForm(BaseForm):
    file = FileField(
        _l("Catalog file (.po)"),
        description=_l(
            "A .po file for this language, for example one you exported and translated offline. "
            "At most 2 MB."
        ),
        validators=[
            FileRequired(_l("Choose a .po file.")),
            FileAllowed(["po"], _l("Choose a file whose name ends in .po.")),
        ],
        render_kw={"accept": ".po,text/x-gettext-translation"},
    )


class SendBackForm(BaseForm):
    comment = _comment_field(
        _l("What should the translator change?"), _l("The translator sees this with the draft.")
    )

    def validate_comment(self, field):
        if not field.data:
            raise ValidationError(_l("Tell the translator why, so that they can improve it."))
