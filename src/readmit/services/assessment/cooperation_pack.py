"""Read the cooperation data of a policy pack: standard, agreements, claims, partner measures.

The files live in ``readmit/packs/<regime>/`` and are read with the packs' own loader, so a
malformed file is a PackError naming the file, the path inside it and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from readmit.domain.claims import (
    Agreement,
    AgreementsFile,
    Claim,
    ClaimsFile,
    MeasuresFile,
    PartnerMeasure,
)
from readmit.domain.cooperation_standard import Standard
from readmit.domain.errors import PackError
from readmit.packs import DEFAULT_PACK, load_pack_file

DEFAULT_REGIME = DEFAULT_PACK


@dataclass(frozen=True)
class CooperationPack:
    """The cooperation data of one regime's pack."""

    regime: str
    standard: Standard
    agreements: tuple[Agreement, ...]
    claims: tuple[Claim, ...]
    measures: tuple[PartnerMeasure, ...]

    def agreement_with(self, country: str) -> Agreement | None:
        """Return the agreement with a partner country, if the pack has one."""
        return next((a for a in self.agreements if a.partner == country), None)


@lru_cache(maxsize=4)
def load_cooperation_pack(regime: str = DEFAULT_REGIME) -> CooperationPack:
    """Load and validate the cooperation files of a pack (cached per regime)."""
    pack = CooperationPack(
        regime=regime,
        standard=load_pack_file(regime, "standard.yaml", Standard),
        agreements=tuple(load_pack_file(regime, "agreements.yaml", AgreementsFile).agreements),
        claims=tuple(load_pack_file(regime, "claims.yaml", ClaimsFile).claims),
        measures=tuple(load_pack_file(regime, "partner_measures.yaml", MeasuresFile).measures),
    )
    ids = [c.id for c in pack.claims] + [m.id for m in pack.measures]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PackError(f"{regime}: duplicate claim ids: {', '.join(duplicates)}")
    return pack
