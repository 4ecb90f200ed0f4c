"""Load the pack's related measures (``related/*.yaml``): instruments beside the regime.

They are checked against the policy (visa classes, organisations) but never against the
sanctions lifecycle: they are not the regime's sanctions and are never recorded in the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.errors import PackError
from readmit.domain.sanctions_policy import CATEGORIES, Policy
from readmit.domain.sanctions_related import RelatedInstrument, RelatedMeasure, RelatedWho
from readmit.packs import read_yaml, validate
from readmit.packs.models import RelatedFile, RelatedMeasureSpec

FOLDER = "related"


def build_related(root: Path, policy: Policy) -> tuple[RelatedMeasure, ...]:
    """Read every instrument of ``related/``; a pack without the folder has none."""
    measures: list[RelatedMeasure] = []
    seen: set[str] = set()
    for path in sorted((root / FOLDER).glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        spec = validate(read_yaml(path, root), RelatedFile, rel)
        if path.stem != spec.id:
            raise PackError(
                f"{rel}: id: {spec.id} must match the file name ({path.stem})", file=rel
            )
        _addresses(spec.sources, f"{rel}: sources", rel)
        instrument = RelatedInstrument(
            id=spec.id,
            instrument=spec.instrument,
            title=spec.title,
            kind=spec.kind,
            signed_on=spec.signed_on,
            legal_basis=spec.legal_basis,
            legal_basis_certain=spec.legal_basis_certain,
            under=spec.under,
            restriction=spec.restriction,
            citation=spec.citation,
            grounds=spec.grounds,
            sources=tuple(spec.sources),
            notes=tuple(spec.notes),
        )
        for j, m in enumerate(spec.measures):
            where = f"{rel}: measures[{j}]"
            if not m.id.startswith(f"{spec.id}-") or m.id in seen:
                raise PackError(
                    f"{where}.id: {m.id} must start with '{spec.id}-' and be unique", file=rel
                )
            seen.add(m.id)
            _check(m, policy, where, rel)
            measures.append(_measure(instrument, m, policy))
    return tuple(measures)


def _check(m: RelatedMeasureSpec, policy: Policy, where: str, rel: str) -> None:
    """Codes the policy knows; dates in order; sources that are addresses."""
    if m.country not in COUNTRY_CODES:
        raise PackError(f"{where}.country: {m.country} is not an ISO 3166-1 country code", file=rel)
    for name in ("classes", "exempt_classes", "uncertain_classes"):
        values = getattr(m, name)
        for k, code in enumerate(values if values != "unknown" else ()):
            if code not in CATEGORIES and code not in policy.visa_classes:
                raise PackError(
                    f"{where}.{name}[{k}]: {code} is neither a visa class of visa_classes.yaml "
                    "nor a category (immigrant, nonimmigrant)",
                    file=rel,
                )
    if m.who != "unknown":
        for k, code in enumerate(m.who.employers):
            if not policy.organisations.known(code):
                raise PackError(
                    f"{where}.who.employers[{k}]: {code} is not in organisations.yaml", file=rel
                )
    for name in ("valid_to", "ended_by"):
        day = getattr(m, name)
        if day is not None and day <= m.valid_from:
            raise PackError(
                f"{where}: {name} {day} is not after its start {m.valid_from}", file=rel
            )
    last = m.last_verified_on
    end = m.valid_to or m.ended_by
    if last is not None and (last < m.valid_from or (end is not None and last >= end)):
        raise PackError(f"{where}.last_verified_on: {last} is outside the measure's time", file=rel)
    _addresses(m.sources, f"{where}.sources", rel)


def _addresses(sources: Iterable[str], where: str, rel: str) -> None:
    for k, source in enumerate(sources):
        if not source.startswith(("https://", "http://")):
            raise PackError(f"{where}[{k}]: {source!r} is not an address", file=rel)


def _measure(
    instrument: RelatedInstrument, m: RelatedMeasureSpec, policy: Policy
) -> RelatedMeasure:
    expand = policy.visa_classes.expand
    who = None
    if m.who != "unknown":
        who = RelatedWho(m.who.everyone, tuple(m.who.employers), m.who.family, m.who.text)
    return RelatedMeasure(
        id=m.id,
        instrument=instrument,
        country=m.country,
        effect=m.effect,
        summary=m.summary,
        persons=m.persons,
        classes=None if m.classes == "unknown" else tuple(m.classes),
        exempt_classes=tuple(m.exempt_classes),
        uncertain_classes=tuple(m.uncertain_classes),
        who=who,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        end_unknown=m.end == "unknown",
        ended_by=m.ended_by,
        last_verified_on=m.last_verified_on,
        sources=tuple(m.sources),
        notes=tuple(m.notes),
        codes=expand(m.classes) if m.classes != "unknown" else frozenset(),
        exempt_codes=expand(m.exempt_classes),
        uncertain_codes=expand(m.uncertain_classes),
    )


def by_country(measures: Iterable[RelatedMeasure]) -> dict[str, tuple[RelatedMeasure, ...]]:
    """The measures indexed by the country they target, as screening looks them up."""
    index: dict[str, list[RelatedMeasure]] = {}
    for m in measures:
        index.setdefault(m.country, []).append(m)
    return {country: tuple(found) for country, found in index.items()}
