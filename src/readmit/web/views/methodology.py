"""The methodology page: the cooperation standard, its thresholds and citations; the legal frame
of the sanctions; where every figure on this site comes from."""

from __future__ import annotations

from typing import Any

from readmit.domain.permissions import Permission
from readmit.services.assessment.cooperation_pack import load_cooperation_pack
from readmit.services.sanctions.pack import current_pack
from readmit.web.site import View
from readmit.web.views import site


@site.page("/methodology", "methodology.html", Permission.STATS_READ, "Methodology")
def methodology(view: View) -> dict[str, Any]:
    """The standard (every version, criterion and citation) and the regime it serves."""
    pack = current_pack(view.app)
    regime = pack.policy.regime
    standard = load_cooperation_pack().standard
    return {
        "title": "Methodology and sources",
        "standard": standard.model_dump(mode="json"),
        "regime": {
            "name": regime.name,
            "legal_text": regime.legal_text,
            "citation": regime.citation,
            "regulations": list(regime.regulations),
            "determining_authority": regime.determining_authority,
            "visa_authority": regime.visa_authority,
            "appeal": regime.appeal,
            "fee_refunded": regime.fee_refunded,
            "place_rule": regime.place_rule,
            "resumption_condition": regime.resumption_condition,
            "sources": list(regime.sources),
        },
        "pack": {"name": pack.name, "version": pack.version},
        "source": f"policy pack {pack.name}, version {pack.version}",
    }
