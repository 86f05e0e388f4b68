"""Rendered pages are cached per data version: a change is visible on the next request."""

from app.cache import LRUCache, bump, stamp
from app.extensions import db as _db


def test_a_bumped_stamp_changes_what_is_served(app, client, make_school):
    cds = make_school("Jacaranda Elementary")
    assert "Jacaranda Elementary" in client.get(f"/en/schools/{cds}").get_data(as_text=True)
    with app.app_context():
        from app.schools.models import School

        _db.session.get(School, cds).name = "Jacaranda Renamed Elementary"
        before = stamp("schools")
        bump("schools")
        _db.session.commit()
        assert stamp("schools") == before + 1
    page = client.get(f"/en/schools/{cds}").get_data(as_text=True)
    assert "Jacaranda Renamed Elementary" in page


def test_the_cache_is_bounded_and_keeps_the_recent():
    cache = LRUCache(size=2)
    cache.get_or_make("a", lambda: 1)
    cache.get_or_make("b", lambda: 2)
    cache.get_or_make("a", lambda: 99)  # a hit: "a" becomes the most recent
    cache.get_or_make("c", lambda: 3)
    assert cache.get_or_make("a", lambda: 100) == 1
    assert cache.get_or_make("b", lambda: 200) == 200  # "b" was dropped
