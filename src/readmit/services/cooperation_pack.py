"""Read the cooperation data of a policy pack: standard, agreements, claims, partner measures.

The files live in ``readmit/packs/<regime>/``; each is validated on load and a failure is a
PackError that names the file and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from readmit.domain.claims import Agreement, Claim, PartnerMeasure
from readmit.domain.cooperation_standard import Standard
from readmit.domain.errors import PackError

PACKS = Path(__file__).resolve().parent.parent / "packs"
DEFAULT_REGIME = "us_ina_243d"


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


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PackError(f"cannot read {path}: {error}", path=str(path)) from error


def _validated(path: Path, key: str | None, model: Any) -> Any:
    data = _read(path)
    try:
        if key is None:
            return model.model_validate(data)
        return tuple(model.model_validate(item) for item in (data or {}).get(key, []))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PackError(f"{path.name}: {where}: {first['msg']}", path=str(path)) from error


@lru_cache(maxsize=4)
def load_cooperation_pack(regime: str = DEFAULT_REGIME) -> CooperationPack:
    """Load and validate the cooperation files of a pack (cached per regime)."""
    folder = PACKS / regime
    if not folder.is_dir():
        raise PackError(f"no policy pack {regime!r} in {PACKS}")
    pack = CooperationPack(
        regime=regime,
        standard=_validated(folder / "standard.yaml", None, Standard),
        agreements=_validated(folder / "agreements.yaml", "agreements", Agreement),
        claims=_validated(folder / "claims.yaml", "claims", Claim),
        measures=_validated(folder / "partner_measures.yaml", "measures", PartnerMeasure),
    )
    ids = [c.id for c in pack.claims] + [m.id for m in pack.measures]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PackError(f"{regime}: duplicate claim ids: {', '.join(duplicates)}")
    return pack
