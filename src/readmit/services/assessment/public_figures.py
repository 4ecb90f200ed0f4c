"""De-identified figures for the public: counts, with where they come from."""

from __future__ import annotations

from typing import Any

from readmit.services.assessment import figures
from readmit.services.context import App


def overview(app: App) -> dict[str, Any]:
    """Return cases per nationality and state, citing the ledger position they were read at."""
    with app.uow(write=False) as uow:
        seq, _ = uow.ledger.head()
    return {
        "source": "readmit ledger (counts of removal cases; no personal data)",
        "ledger_position": seq,
        "countries": figures.country_overview(app),
    }
