"""Related measures: entry and visa restrictions beside a regime's sanctions, never among them.

A presidential proclamation under INA 212(f), or a visa suspension whose legal basis the record
does not establish, can bar an applicant whom INA 243(d) does not touch. These measures have no
determination, order or lift: they are read from the pack's ``related/`` folder, never recorded
in the ledger, and screening reports them beside the regime's decision without changing it
(docs/sanctions.md, "Related measures").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from readmit.domain.sanctions import MeasureState
from readmit.domain.sanctions_policy import Policy

NATIONALS = "nationals"  # the country's nationals, wherever they apply
AT_POST = "applicants_at_post"  # anyone applying at a post in the country
APPLIES, MAY_APPLY = "applies", "may_apply"


@dataclass(frozen=True)
class RelatedInstrument:
    """The instrument a related measure rests on: a proclamation, a suspension, a revocation."""

    id: str
    instrument: str  # its name in a sentence: "Proclamation 10949"
    title: str
    kind: str
    signed_on: date | None
    legal_basis: str
    legal_basis_certain: bool
    under: str | None  # the short basis for a sentence ("INA 212(f)"); None when uncertain
    restriction: str  # what it is, for a sentence: "entry restriction", "visa suspension"
    citation: str
    grounds: str
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelatedWho:
    """Whom a related measure covers: everyone, or employees (and family) of organisations."""

    everyone: bool = True
    employers: tuple[str, ...] = ()
    family: bool = False
    text: str = ""


@dataclass(frozen=True)
class RelatedMeasure:
    """One effect of an instrument on one country. Dates: ``valid_from`` inclusive, ``valid_to``
    exclusive; with ``end_unknown`` it ended on a day the record does not give (by ``ended_by``
    at the latest), and it was in force at least until ``last_verified_on``."""

    id: str
    instrument: RelatedInstrument
    country: str
    effect: str
    summary: str
    persons: str
    classes: tuple[str, ...] | None  # None: the record does not say which classes
    exempt_classes: tuple[str, ...]
    uncertain_classes: tuple[str, ...]
    who: RelatedWho | None  # None: the record does not say whom it covers
    valid_from: date
    valid_to: date | None = None
    end_unknown: bool = False
    ended_by: date | None = None
    last_verified_on: date | None = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The classes as codes (categories expanded), computed once by the loader.
    codes: frozenset[str] = frozenset()
    exempt_codes: frozenset[str] = frozenset()
    uncertain_codes: frozenset[str] = frozenset()

    @property
    def all_sources(self) -> tuple[str, ...]:
        """The instrument's sources (its text first), then the measure's own."""
        return tuple(dict.fromkeys((*self.instrument.sources, *self.sources)))

    def state_on(self, day: date) -> MeasureState:
        """In force, not in force, or uncertain (its end unknown, no source covering the day)."""
        if day < self.valid_from or (self.valid_to is not None and day >= self.valid_to):
            return MeasureState.NOT_IN_FORCE
        if not self.end_unknown:
            return MeasureState.IN_FORCE
        if self.ended_by is not None and day >= self.ended_by:
            return MeasureState.NOT_IN_FORCE
        # A dated source showing it in force settles every day up to it.
        verified = self.last_verified_on
        return MeasureState.IN_FORCE if verified and day <= verified else MeasureState.UNCERTAIN

    def validity_text(self) -> str:
        """The measure's dates in plain words."""
        start = f"from {self.valid_from.isoformat()}"
        if self.valid_to is not None:
            return f"{start} to {self.valid_to.isoformat()}"
        if self.end_unknown:
            bound = f", by {self.ended_by.isoformat()} at the latest" if self.ended_by else ""
            seen = self.last_verified_on
            shown = f"; last shown in force on {seen.isoformat()}" if seen else ""
            return f"{start}; end date unknown{bound}{shown}"
        return f"{start}, no end recorded"

    def to_dict(self) -> dict[str, Any]:
        """The measure as the registry shows it (beside the regime's sanctions)."""
        i = self.instrument
        return {
            "id": self.id,
            "instrument_id": i.id,
            "instrument": i.instrument,
            "title": i.title,
            "kind": i.kind,
            "country": self.country,
            "effect": self.effect,
            "summary": self.summary,
            "persons": self.persons,
            "classes": list(self.classes) if self.classes is not None else "unknown",
            "exempt_classes": list(self.exempt_classes),
            "uncertain_classes": list(self.uncertain_classes),
            "who": _who_dict(self.who),
            "from": self.valid_from,
            "to": self.valid_to,
            "end_unknown": self.end_unknown,
            "ended_by": self.ended_by,
            "last_verified_on": self.last_verified_on,
            "validity": self.validity_text(),
            "legal_basis": i.legal_basis,
            "legal_basis_certain": i.legal_basis_certain,
            "citation": i.citation,
            "grounds": i.grounds,
            "sources": list(self.all_sources),
            "notes": [*self.notes, *i.notes],
        }


def _who_dict(who: RelatedWho | None) -> dict[str, Any] | str:
    if who is None:
        return "unknown"
    return {
        "everyone": who.everyone,
        "employers": list(who.employers),
        "family": who.family,
        "text": who.text,
    }


@dataclass(frozen=True)
class RelatedFinding:
    """A related measure that applies, or may apply, to one application, and why."""

    measure: RelatedMeasure
    status: str  # applies | may_apply
    reason: str
    doubts: tuple[str, ...] = ()  # what the record leaves open, when it only may apply

    def sentence(self) -> str:
        """'a separate entry restriction under INA 212(f) (Proclamation 10949) applies'."""
        i = self.measure.instrument
        basis = (
            f"under {i.under}"
            if i.legal_basis_certain and i.under
            else "whose legal basis is uncertain"
        )
        verb = "applies" if self.status == APPLIES else "may apply"
        return f"a separate {i.restriction} {basis} ({i.instrument}) {verb}"

    def to_dict(self) -> dict[str, Any]:
        """The finding as a single decision's answer carries it."""
        m, i = self.measure, self.measure.instrument
        sources = m.all_sources
        return {
            "id": m.id,
            "instrument": i.instrument,
            "kind": i.kind,
            "citation": i.citation,
            "legal_basis": i.legal_basis,
            "legal_basis_certain": i.legal_basis_certain,
            "effect": m.effect,
            "summary": m.summary,
            "from": m.valid_from,
            "to": m.valid_to,
            "validity": m.validity_text(),
            "status": self.status,
            "reason": self.reason,
            "doubts": list(self.doubts),
            "source": sources[0],
            "sources": list(sources),
        }


def related_findings(
    measures: Mapping[str, tuple[RelatedMeasure, ...]],
    policy: Policy,
    inputs: Mapping[str, str],
    day: date | None,
) -> tuple[RelatedFinding, ...]:
    """The related measures (indexed by country) that apply or may apply to a read application.

    ``inputs`` are the normalised fields of a decision; a field the measure does not need is not
    read. A measure whose class is exempt, or whose person, place or employer is not the
    application's, is left out; one the record leaves open is reported as ``may_apply``.
    """
    if day is None:
        return ()
    countries = {inputs.get("nationality", ""), inputs.get("post_country", "")}
    countries.update(c for c in inputs.get("other_nationalities", "").split(";") if c)
    found = []
    for country in sorted(countries):
        for m in measures.get(country, ()):
            finding = _finding(m, policy, inputs, day)
            if finding is not None:
                found.append(finding)
    return tuple(found)


def _finding(
    m: RelatedMeasure, policy: Policy, inputs: Mapping[str, str], day: date
) -> RelatedFinding | None:
    state = m.state_on(day)
    if state == MeasureState.NOT_IN_FORCE:
        return None
    checks = (_person(m, inputs), _visa(m, inputs), _covered(m, policy, inputs))
    if any(c is None for c in checks):
        return None
    doubts = [c for c in checks if c]
    if state == MeasureState.UNCERTAIN:
        doubts.insert(0, "the record does not say whether it still applied that day")
    said = f"{m.id}: {m.summary} ({m.effect}, {m.validity_text()}); {m.instrument.citation}"
    if doubts:
        reason = f"{said}; may apply: {'; '.join(doubts)}"
        return RelatedFinding(m, MAY_APPLY, reason, tuple(doubts))
    return RelatedFinding(m, APPLIES, said)


def _person(m: RelatedMeasure, inputs: Mapping[str, str]) -> str | None:
    """'' when the applicant is within the measure's persons, a doubt, or None when not."""
    if m.persons == AT_POST:
        return "" if inputs.get("post_country") == m.country else None
    if inputs.get("nationality") == m.country:
        return ""
    if m.country in inputs.get("other_nationalities", "").split(";"):
        return (
            f"{m.country} is another nationality of the applicant (a dual national travelling "
            "on another country's passport may be outside it)"
        )
    return None


def _visa(m: RelatedMeasure, inputs: Mapping[str, str]) -> str | None:
    visa = inputs.get("visa_class", "")
    if m.classes is None:
        return "the record does not say which visa classes it covers"
    if visa in m.exempt_codes:
        return None
    if visa in m.uncertain_codes:
        return f"the record leaves open whether {visa} is covered or excepted"
    return "" if visa in m.codes else None


def _covered(m: RelatedMeasure, policy: Policy, inputs: Mapping[str, str]) -> str | None:
    who = m.who
    if who is None:
        return "whom it covers was never published"
    if who.everyone:
        return ""
    reach: set[str] = set()
    for employer in who.employers:
        reach |= policy.organisations.subtree(employer)
    # A government's own code reaches every organisation code of its country, known or not.
    government = f"{m.country}-GOV" in who.employers

    def within(code: str) -> bool:
        return code in reach or (government and code.startswith(f"{m.country}-"))

    if within(inputs.get("employer", "")):
        return f"it covers {who.text}; the applicant's employer is {inputs['employer']}"
    family = inputs.get("relationship") in {"spouse", "child"}
    if who.family and family and within(inputs.get("principal_employer", "")):
        principal = inputs["principal_employer"]
        return f"it covers {who.text}; the applicant's principal works for {principal}"
    return None


def beside_regime(
    regime: str, decision: str, reasons: str, findings: tuple[RelatedFinding, ...]
) -> str:
    """The decision's reasons with the related measures said beside them.

    'not affected by 243(d); a separate entry restriction under INA 212(f) (Proclamation 10949)
    applies (…)': the regime's decision stands as it is, the related measures are said after it.
    """
    if not findings or decision == "invalid":
        return reasons
    related = "; ".join(f"{f.sentence()} ({f.reason})" for f in findings)
    if decision == "not_affected":
        return f"not affected by {regime}; {related}"
    return f"{reasons} | beside {regime}: {related}"
