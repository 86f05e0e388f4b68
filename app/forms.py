"""The project's base form: every text input arrives stripped of surrounding white space."""

from __future__ import annotations

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            if unbound_field.field_class.__name__ not in {"PasswordField"}:
                filters.insert(0, _strip)
            return unbound_field.bind(form=form, filters=filters, **options)
