"""The front page: what readmit shows the public, and each signed-in role's own desk."""

from __future__ import annotations

from typing import Any

from readmit.domain.permissions import Permission
from readmit.services.sanctions.pack import registry_packs
from readmit.web.site import View
from readmit.web.views import site


@site.page("/", "home.html", Permission.SANCTION_READ, "readmit")
def home(view: View) -> dict[str, Any]:
    """The front page (public)."""
    regimes = [pack.policy.regime.name for pack in registry_packs(view.app)]
    return {"title": "readmit: removal cooperation and visa sanctions", "regimes": regimes}
