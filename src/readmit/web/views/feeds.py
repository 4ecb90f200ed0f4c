"""Feeds and downloads of public data: the registry's changes as Atom."""

from __future__ import annotations

from starlette.responses import Response

from readmit.domain.permissions import Permission as P
from readmit.services.exports import feed
from readmit.web.site import View
from readmit.web.views import site


@site.raw("/sanctions.atom", P.SANCTION_READ)
def registry_feed(view: View) -> Response:
    """Every published step of every sanction, newest first (RFC 4287)."""
    body = feed.atom(view.app, str(view.request.base_url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")
