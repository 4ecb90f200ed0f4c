"""Every page and form of the dashboard, registered on one ``Site``, one module per role."""

from __future__ import annotations

from readmit.web.site import Site

site = Site()

# Registration happens on import; the order of the modules is the order of the navigation.
from readmit.web.views import (  # noqa: E402
    auth,  # noqa: F401
    authority,  # noqa: F401
    cases,  # noqa: F401
    countries,  # noqa: F401
    feeds,  # noqa: F401
    home,  # noqa: F401
    methodology,  # noqa: F401
    partner,  # noqa: F401
    reintegration,  # noqa: F401
    sanctions,  # noqa: F401
    screening,  # noqa: F401
    whatif,  # noqa: F401
)

__all__ = ["site"]
