"""Rendering: one helper decides between a whole page and an htmx fragment."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Flask,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page.

    Boosted navigation and history restores need the whole page, so they get it.
    """
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Boosted") != "true"
    )


def render(
    template: str,
    *,
    block: str | None = "content",
    status: int = 200,
    announce: str | None = None,
    **context,
) -> Response:
    """Render ``template``, or only its ``block`` for an htmx fragment request.

    ``announce`` is read out by screen readers: it is sent into the page's one polite live
    region out of band with a fragment (a full page shows it in its own content).
    """
    if block and wants_fragment():
        # The block is an autoescaped template, so its output is safe HTML.
        body = Markup(render_block(template, block, **context))  # noqa: S704  # nosec B704
        if announce:
            body += Markup('<div hx-swap-oob="innerHTML:#live-region">{}</div>').format(
                escape(announce)
            )
    else:
        body = render_template(template, announce=announce, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def render_cached(
    template: str,
    *,
    key: tuple,
    stamp_name: str,
    make: Callable[[], dict],
    fragment_block: str | None = None,
) -> Response:
    """Like :func:`render`, but the page's ``content`` block (or, for an htmx request, its
    ``fragment_block``) is rendered once per ``key``, language and data version.

    ``make()`` returns the template context plus ``title`` and optionally ``announce`` and
    ``status``; it is only called on a miss. The blocks must not hold anything specific to
    the visitor.
    """
    from flask_babel import get_locale

    from app.cache import pages, stamp
    from app.i18n.catalog import live_version

    block = fragment_block if fragment_block and wants_fragment() else "content"
    full_key = (template, block, str(get_locale()), live_version(), stamp(stamp_name), *key)

    def build() -> dict:
        context = make()
        return {
            "title": context.get("title", ""),
            "announce": context.get("announce"),
            "status": context.get("status", 200),
            "html": Markup(render_block(template, block, **context)),  # noqa: S704  # nosec B704
        }

    cached = pages.get_or_make(full_key, build)
    if block != "content":
        body = cached["html"]
        if cached["announce"]:
            body += Markup('<div hx-swap-oob="innerHTML:#live-region">{}</div>').format(
                escape(cached["announce"])
            )
        response = make_response(body, cached["status"])
    else:
        response = make_response(
            render_template(
                "_cached_page.html",
                title=cached["title"],
                content_html=cached["html"],
                announce=cached["announce"],
            ),
            cached["status"],
        )
    response.vary.add("HX-Request")
    return response


def page_csrf_token() -> str | None:
    """The token htmx sends with every unsafe request from this page, or None.

    A signed-in visitor always gets one, and so does a page whose content issued one for a
    form. An anonymous visitor reading a page without a form gets neither a token nor the
    session cookie that holds it: a search form is a GET and needs none.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g or current_user.is_authenticated:
        return generate_csrf()
    return None


def per_language(name: str, caller: Callable[[], str]) -> Markup:
    """``{% call per_language("footer") %}...{% endcall %}`` in the layout: the block's output
    for this language, rendered once per process, translations version and mount point.

    The layout's translated text and fixed links were rendered again for every page, a good
    part of each page's cost. Nothing about the visitor or the page may go inside such a
    block: its key does not hold them.
    """
    from app.cache import pages
    from app.i18n import current_language
    from app.i18n.catalog import live_version

    key = ("layout", name, current_language().code, live_version(), request.script_root)
    return pages.get_or_make(key, caller)


def redirect_to(location: str) -> Response:
    """After a successful POST: a 303 to ``location``, or for htmx a full-page navigation.

    htmx would follow a plain redirect inside the swapped region (without the flash
    messages and the rest of the page), so it gets ``HX-Redirect`` instead.
    """
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def init_web(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    version = _static_version(app)
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 60 * 60 * 24 * 365)

    def static_url(filename: str) -> str:
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals["url_if_exists"] = url_if_exists
    app.jinja_env.globals["page_csrf_token"] = page_csrf_token
    app.jinja_env.globals["per_language"] = per_language


def url_if_exists(endpoint: str, **values) -> str | None:
    """``url_for(endpoint)``, or None while that part of the app does not exist."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails and letters, built on the configured ``BASE_URL``.

    Works outside a request (commands that send reminders) and never trusts a Host header.
    """
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def _static_version(app: Flask) -> str:
    """A short fingerprint of static files, so caches can keep them for a year."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    for path in sorted(Path(app.static_folder).rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]
