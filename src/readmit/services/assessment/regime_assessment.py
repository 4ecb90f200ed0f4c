"""Each regime's own assessment of a country, read from its pack's ``assessment.yaml``.

A pack whose regime rates cooperation against thresholds ships a ``standard.yaml`` and is
assessed by ``assess.assess``; a pack whose regime weighs indicators or factors ships an
``assessment.yaml`` and is assessed here. Both read the same ledger at one position, as of a
date: every ledger figure says so; every other figure is a statement of the pack with who made
it and where. Which kind a pack is follows from its files, never from its name.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from readmit.domain.cooperation import (
    Kind,
    Scopes,
    by_kind,
    compute_metrics,
    view_counter,
)
from readmit.domain.countries import country_code, country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.regime_indicators import (
    FINAL_ORDERS_ISSUED,
    RegimeAssessment,
    factor_rows,
    indicator_rows,
    tells_of,
)
from readmit.packs import PACKS_DIR, load_pack_file, pack_path
from readmit.services.assessment.assess import Window
from readmit.services.assessment.assess import _position as ledger_position
from readmit.services.context import App
from readmit.store.metrics import read_periods

ASSESSMENT_FILE, STANDARD_FILE = "assessment.yaml", "standard.yaml"
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


def shipped_assessments() -> list[str]:
    """Return the shipped packs that have an assessment of either kind, sorted."""
    return sorted(
        p.name
        for p in PACKS_DIR.iterdir()
        if (p / ASSESSMENT_FILE).is_file() or (p / STANDARD_FILE).is_file()
    )


def assessment_kind(pack: str) -> str:
    """Return ``standard`` or ``regime`` for a shipped pack's assessment.

    Raises:
        InvalidInput: no shipped pack has that name, or the pack has no assessment.
    """
    known = ", ".join(shipped_assessments())
    if not _NAME.match(pack) or not (PACKS_DIR / pack / "regime.yaml").is_file():
        raise InvalidInput(f"no policy pack {pack!r}; packs with an assessment: {known}", pack=pack)
    root = pack_path(pack)
    if (root / STANDARD_FILE).is_file():
        return "standard"
    if (root / ASSESSMENT_FILE).is_file():
        return "regime"
    raise InvalidInput(
        f"pack {pack!r} has no assessment (neither {STANDARD_FILE} nor {ASSESSMENT_FILE}); "
        f"packs with an assessment: {known}",
        pack=pack,
    )


@lru_cache(maxsize=8)
def load_regime_assessment(pack: str) -> RegimeAssessment:
    """Load and validate a pack's ``assessment.yaml`` (a PackError names what is wrong)."""
    return load_pack_file(pack, ASSESSMENT_FILE, RegimeAssessment)


def regime_packs(app: App) -> list[str]:
    """The installation's packs (default first, then the registry's) with an assessment.yaml."""
    names = dict.fromkeys([app.settings.pack, *app.settings.registry_packs])
    return [n for n in names if _NAME.match(n) and (PACKS_DIR / n / ASSESSMENT_FILE).is_file()]


def _opened(scopes: Scopes, country: str) -> int:
    return by_kind(view_counter(scopes.backlog, "ours", country))[Kind.OPENED]


def _quantities(
    window: Scopes, before: Scopes | None, country: str, deadline_days: int
) -> dict[str, Any]:
    """Every ledger quantity of the window: the cooperation metrics (as the removing state
    counts them) and the final orders recorded in the window (opened by its end, less by the
    day before it starts)."""
    metrics = compute_metrics(window, country, "ours", deadline_days)
    earlier = _opened(before, country) if before is not None else 0
    return {**metrics, FINAL_ORDERS_ISSUED: _opened(window, country) - earlier}


def assess_regime(app: App, country: str, window: Window, pack: str) -> dict[str, Any]:
    """Assess one country under a pack's ``assessment.yaml``: its indicators and its factors.

    Args:
        app: the application.
        country: ISO 3166-1 alpha-2 code.
        window: the window, its as-of date and ledger position (view and version not read).
        pack: a shipped pack with an ``assessment.yaml``.

    Returns:
        ``country, country_name, regime, title, assessor, method, from, to, as_of,
        ledger_position, ledger_source, indicators, finding, factors``.
    """
    code = country_code(country)
    window.check()
    if assessment_kind(pack) != "regime":
        raise InvalidInput(
            f"pack {pack!r} rates cooperation against its standard: use the assessment "
            "without a pack (readmit assess COUNTRY; GET /assessments/COUNTRY)",
            pack=pack,
        )
    spec = load_regime_assessment(pack)
    position, quantities = _read(app, code, window, spec.document_deadline_days)
    return build(spec, code, window, position, quantities)


def build(
    spec: RegimeAssessment,
    code: str,
    window: Window,
    position: dict[str, Any],
    quantities: dict[str, Any],
) -> dict[str, Any]:
    """Build the assessment from the ledger's quantities and the pack's statements."""
    until = min(window.end, window.as_of) if window.as_of else window.end
    read = f"as of {window.as_of.isoformat()}" if window.as_of else "everything recorded"
    source = (
        f"the ledger at position {position['seq']} (hash {position['hash'][:12]}…), {read}, "
        f"{window.start.isoformat()} to {window.end.isoformat()}"
    )
    finding, factors = factor_rows(spec, code, quantities, source, until)
    return {
        "country": code,
        "country_name": country_name(code),
        "regime": spec.regime,
        "id": spec.id,
        "title": spec.title,
        "assessor": spec.assessor,
        "method": " ".join(spec.method.split()),
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "as_of": window.as_of.isoformat() if window.as_of else None,
        "ledger_position": position,
        "ledger_source": source,
        "pack_records_country": tells_of(spec, code),
        "indicators": indicator_rows(spec, code, quantities, source, until),
        "finding": finding,
        "factors": factors,
    }


def assess_regimes(app: App, country: str, window: Window) -> list[dict[str, Any]]:
    """Assess one country under every installed pack that has an ``assessment.yaml`` (the
    ledger read once for the packs that count on-time documents alike)."""
    packs = regime_packs(app)
    if not packs:
        return []
    code = country_code(country)
    window.check()
    found, read = [], {}
    for pack in packs:
        spec = load_regime_assessment(pack)
        deadline = spec.document_deadline_days
        if deadline not in read:  # packs that count documents alike share one reading
            read[deadline] = _read(app, code, window, deadline)
        found.append(build(spec, code, window, *read[deadline]))
    return found


def _read(
    app: App, code: str, window: Window, deadline_days: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the ledger's quantities of one country at the window's position and as-of date."""
    spans = [(window.start, window.end)]
    if window.start > date.min:
        before = window.start - timedelta(days=1)
        spans.append((before, before))
    with app.uow(write=False) as uow:
        position, reading = ledger_position(uow, window)
        scopes = read_periods(uow.conn, reading, spans, code)
    earlier = scopes[1] if len(scopes) > 1 else None
    return position, _quantities(scopes[0], earlier, code, deadline_days)
