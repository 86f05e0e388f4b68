"""The checks every translation passes (workbench, uploads and CI), and plural forms."""

import pytest

from app.translate.checks import Term, catalog_problems, check
from app.translate.plurals import plural_forms, preview


def codes(result):
    return sorted(issue.code for issue in result.issues)


def test_a_faithful_translation_passes():
    assert not check(
        ("Hello %(name)s, see <b>%(school)s</b>",), ["Hola %(name)s, vea <b>%(school)s</b>"]
    )


@pytest.mark.parametrize(
    ("source", "text", "code"),
    [
        ("Apply to %(school)s", "Solicite", "placeholders"),  # dropped
        ("Apply now", "Solicite %(school)s", "placeholders"),  # invented
        ("Apply to {school}", "Solicite a {escuela}", "placeholders"),  # renamed brace format
        ('Read <a href="/x">this</a>', "Lea esto", "tags"),
        ("Read <b>this</b>", 'Lea <b onclick="x()">esto</b>', "unsafe"),
        ("Read this", "Lea <script>alert(1)</script>", "unsafe"),
        ("Read this", '<a href="javascript:alert(1)">Lea</a>', "unsafe"),
        ("%(num)d%(unit)s done", "%(num)d % %(unit)s hecho", "format"),
        ("Apply", "", "empty"),
        ("Apply", "Solicite\x00", "control"),
    ],
)
def test_errors_stop_a_translation(source, text, code):
    result = check((source,), [text])
    assert code in [issue.code for issue in result.errors], result.issues


def test_a_percent_sign_written_twice_is_fine():
    assert not check(("%(num)d%% done",), ["%(num)d %% hecho"]).errors


def test_plural_forms_may_leave_out_the_number_except_the_last():
    sources = ("%(num)d school", "%(num)d schools")
    fine = check(sources, ["одна школа", "%(num)d школы", "%(num)d школ"], nplurals=3)
    assert not fine.errors
    wrong = check(sources, ["одна школа", "%(num)d школы", "много школ"], nplurals=3)
    assert [issue.form for issue in wrong.errors] == [2]
    short = check(sources, ["%(num)d школа", "%(num)d школы"], nplurals=3)
    assert "plural_count" in codes(short)


def test_warnings_do_not_stop_a_translation():
    long = check(("Save",), ["Guardar este formulario ahora mismo, por favor, y luego continuar"])
    assert codes(long) == ["length"] and not long.errors
    copied = check(("Find schools near you",), ["Find schools near you"])
    assert codes(copied) == ["unchanged"]


def test_the_glossary_warns():
    terms = [
        Term("keep", "LAUSD"),
        Term("required", "magnet", "magnet"),
        Term("forbidden", "magnet", "imán"),
    ]
    good = check(("LAUSD magnet programs",), ["Programas magnet del LAUSD"], glossary=terms)
    assert not good.issues
    bad = check(("LAUSD magnet programs",), ["Programas imán del distrito"], glossary=terms)
    messages = " ".join(issue.message for issue in bad.warnings)
    assert codes(bad) == ["glossary"] * 3
    assert "LAUSD" in messages and "imán" in messages and "“magnet”" in messages
    # A required term only applies where the English has it (as a word).
    assert not check(("Magnetic fields",), ["Campos"], glossary=terms).issues


def test_plural_forms_carry_cldr_names():
    russian = plural_forms("ru")
    assert [form.categories[0] for form in russian] == ["one", "few", "many"]
    assert "other" in russian[-1].categories  # fractions
    assert russian[1].examples[:3] == (2, 3, 4)
    arabic = plural_forms("ar")
    assert len(arabic) == 6
    assert [form.categories for form in arabic][:3] == [("zero",), ("one",), ("two",)]
    assert len(plural_forms("ja")) == 1
    assert len(plural_forms("fil")) == 2


def test_preview_fills_placeholders_and_escapes_markup():
    html = str(preview("%(num)d schools near <b>%(school)s</b>, 100%%", 5))
    assert html == (
        "<mark>5</mark> schools near &lt;b&gt;<mark>Roosevelt High School</mark>&lt;/b&gt;, 100%"
    )


def test_catalog_problems_is_what_ci_checks():
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="es")
    catalog.add("Sign in", "Iniciar sesión")
    catalog.add("Hello %(name)s", "Hola")
    catalog.add("Untranslated", "")
    catalog.add(("%(num)d school", "%(num)d schools"), ("%(num)d escuela", "%(num)d escuelas"))
    problems = catalog_problems(catalog, "es")
    assert len(problems) == 2
    assert problems[0].startswith("placeholders: 'Hello %(name)s'")
    assert problems[1] == "untranslated: 'Untranslated'"
