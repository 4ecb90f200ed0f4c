"""The methodology page: the cooperation standard, its thresholds and citations; the legal frame
of the sanctions; where every figure on this site comes from."""

from __future__ import annotations

from typing import Any

from readmit.domain.permissions import Permission
from readmit.packs import LoadedPack
from readmit.packs.sources import load_articles, load_published_figures
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
    published = load_published_figures()
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
            "related_instruments": [
                {"title": i.title, "on": i.on, "says": i.says, "sources": list(i.sources)}
                for i in regime.related_instruments
            ],
        },
        "related": _related_instruments(pack),
        "articles": [
            {**a.model_dump(mode="json"), "citation": a.citation()}
            for a in load_articles().by_id.values()
        ],
        "published_sources": [s.model_dump(mode="json") for s in published.sources],
        "looked_for": [item.model_dump(mode="json") for item in published.looked_for_not_found],
        "pack": {"name": pack.name, "version": pack.version},
        "source": f"policy pack {pack.name}, version {pack.version}",
    }


def _related_instruments(pack: LoadedPack) -> list[dict[str, Any]]:
    """The instruments beside the regime (``related/``), once each, each cited on its own."""
    found: dict[str, dict[str, Any]] = {}
    for m in pack.related:
        i = m.instrument
        found.setdefault(
            i.id,
            {
                "instrument": i.instrument,
                "title": i.title,
                "citation": i.citation,
                "legal_basis": i.legal_basis,
                "legal_basis_certain": i.legal_basis_certain,
                "source": i.sources[0],
            },
        )
    return list(found.values())
