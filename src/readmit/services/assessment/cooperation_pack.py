"""Read the cooperation data of a policy pack: standard, agreements, claims, partner measures.

The files live in ``readmit/packs/<regime>/`` and are read with the packs' own loader, so a
malformed file is a PackError naming the file, the path inside it and what is wrong. The checks
across files (ids unique among claims, measures and partner positions; a position's sanction is
one of the pack's; a disputed signing year names a claim) name the file and path the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from readmit.domain.agreements import Agreement, AgreementsFile
from readmit.domain.claims import Claim, ClaimsFile, MeasuresFile, PartnerMeasure
from readmit.domain.cooperation_standard import Standard
from readmit.domain.errors import PackError
from readmit.packs import DEFAULT_PACK, load_pack_file, pack_path

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
    _check_ids(regime, pack)
    _check_agreements(regime, pack)
    return pack


def _positions(pack: CooperationPack) -> Iterator[tuple[str, str, str | None]]:
    """Yield (path in agreements.yaml, position id, sanction named) of every partner position."""
    for n, agreement in enumerate(pack.agreements):
        for name in ("partner_requests", "partner_statements"):
            for i, position in enumerate(getattr(agreement, name)):
                yield f"agreements[{n}].{name}[{i}]", position.id, position.sanction


def _check_ids(regime: str, pack: CooperationPack) -> None:
    ids = [c.id for c in pack.claims] + [m.id for m in pack.measures]
    ids += [ident for _, ident, _ in _positions(pack)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PackError(
            f"{regime}: duplicate ids across claims.yaml, partner_measures.yaml and the partner "
            f"positions of agreements.yaml: {', '.join(duplicates)}"
        )


def _check_agreements(regime: str, pack: CooperationPack) -> None:
    sanctions = pack_path(regime) / "sanctions"
    for where, ident, sanction in _positions(pack):
        if sanction is not None and not (sanctions / f"{sanction}.yaml").is_file():
            raise PackError(
                f"agreements.yaml: {where}.sanction: {ident} names sanction {sanction}, which "
                f"is not in this pack (no sanctions/{sanction}.yaml)",
                file="agreements.yaml",
            )
    claims = {c.id for c in pack.claims}
    for n, agreement in enumerate(pack.agreements):
        for i, claim_id in enumerate(agreement.signed_year_disputed_by):
            if claim_id not in claims:
                raise PackError(
                    f"agreements.yaml: agreements[{n}].signed_year_disputed_by[{i}]: "
                    f"{claim_id} is not a claim of claims.yaml",
                    file="agreements.yaml",
                )
