"""Render a page's context with its template, inside the layout every page shares."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from readmit.domain.countries import country_name
from readmit.domain.errors import ReadmitError
from readmit.services.cases import caseload
from readmit.services.context import App
from readmit.web import charts, i18n, security, words
from readmit.web.security import WebUser

if TYPE_CHECKING:
    from readmit.web.site import Page, Site

TEMPLATES = Path(__file__).parent / "templates"
FLASH_COOKIE = "readmit_flash"


@cache
def environment() -> Environment:
    """Return the Jinja environment (autoescaping on)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Templates that mark their words with _() read them in the request's language.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    env.filters.update(
        country=country_name,
        num=words.number,
        fact=words.fact,
        pct=words.percent,
        day=words.day,
        label=words.label,
        metric=words.metric,
        metric_number=words.metric_number,
        threshold=words.threshold,
        sources=words.sources,
        link=words.link,
        svg=charts.svg,
    )
    env.globals.update(today=date.today)
    return env


def nav_for(site: Site, user: WebUser | None) -> list[dict[str, str]]:
    """Return the navigation links this user may follow."""
    links = []
    for page in site.pages:
        if page.nav and security.may(user, page.permission):
            links.append({"label": page.nav, "path": page.path})
    return links


def render_page(
    site: Site,
    app: App,
    request: Request,
    user: WebUser | None,
    page: Page,
    context: dict[str, Any],
) -> HTMLResponse:
    """Render ``page`` with ``context`` and the layout's own values."""
    flash = request.cookies.get(FLASH_COOKIE)
    language = _language(request, user, page)
    layout = {
        "request": request,
        "user": user,
        "nav": nav_for(site, user),
        "title": context.get("title") or page.title,
        "csrf": security.csrf_token(request, user),
        "flash": unquote(flash) if flash else None,
        "json_url": _json_url(request) if page.twin and page.template != "error.html" else None,
        "current": request.url.path,
        "synthetic": _synthetic(app),
        "language": language,
        "languages": i18n.LANGUAGES if page.template in TRANSLATED else {},
    }
    i18n.use(language)
    try:
        html = environment().get_template(page.template).render(**{**context, **layout})
    finally:
        i18n.use(i18n.ENGLISH)
    response = HTMLResponse(html)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, language, max_age=365 * 86400, samesite="lax", path="/")
    response.headers["Cache-Control"] = "no-store"
    security.set_anon_cookie(request, response)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


# The pages a partner reads in their own language; the rest of the dashboard is in English.
TRANSLATED = frozenset({"partner.html"})


def _language(request: Request, user: WebUser | None, page: Page) -> str:
    if page.template not in TRANSLATED:
        return i18n.ENGLISH
    country = user.country if user is not None else None
    query, cookie = request.query_params.get("lang"), request.cookies.get(i18n.COOKIE)
    return i18n.choose(query, cookie, country)


def _synthetic(app: App) -> str | None:
    try:
        return caseload.synthetic_notice(app)
    except ReadmitError:  # an error page must render even on a store without a schema
        return None


def _json_url(request: Request) -> str:
    path = request.url.path
    twin = "/index.json" if path == "/" else f"{path}.json"
    return f"{twin}?{request.url.query}" if request.url.query else twin
