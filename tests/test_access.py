"""Every view declares who may use it; a route without a rule fails here."""

from app.accounts.access import Access


def test_every_view_declares_an_access_rule(app):
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not isinstance(getattr(view, "access", None), Access)
    ]
    assert missing == []


def test_staff_pages_are_not_public(app):
    for rule in app.url_map.iter_rules():
        if "/staff/" in rule.rule:
            access = app.view_functions[rule.endpoint].access
            assert not access.public and access.roles, rule.rule
