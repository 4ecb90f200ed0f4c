"""The policy a sanctions regime is read against: visa classes, organisations, ranks, letters.

These are plain values built by the pack loader (``readmit.packs``) from YAML; the domain only
reads them. Changing policy means changing the pack, never this code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions_steps import CLASSIC, Lifecycle

IMMIGRANT = "immigrant"
NONIMMIGRANT = "nonimmigrant"
CATEGORIES = frozenset({IMMIGRANT, NONIMMIGRANT})

# The rank codes every pack must understand, top down (issue 3).
STANDARD_RANKS: tuple[str, ...] = (
    "minister",
    "deputy_minister",
    "secretary_of_state",
    "under_secretary_of_state",
    "permanent_secretary",
    "director_general",
    "deputy_director_general",
    "director",
    "deputy_director",
    "staff",
)
RELATIONSHIPS = ("self", "spouse", "child", "employee", "other")


@dataclass(frozen=True)
class VisaClass:
    code: str
    category: str
    name: str


@dataclass(frozen=True)
class VisaClassTable:
    """Every visa class the regime knows, each with its category."""

    classes: Mapping[str, VisaClass]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self.classes

    def expand(self, items: Iterable[str]) -> frozenset[str]:
        """Turn class codes and whole categories (``immigrant``, ``nonimmigrant``) into codes."""
        codes: set[str] = set()
        for item in items:
            if item in CATEGORIES:
                codes.update(c.code for c in self.classes.values() if c.category == item)
            else:
                codes.add(item.upper())
        return frozenset(codes)

    def describe(self, items: Iterable[str]) -> str:
        """Describe classes in plain words: ``B1, B2`` or ``every nonimmigrant class``."""
        parts = [f"every {i} class" if i in CATEGORIES else i for i in items]
        return ", ".join(parts)


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    parent: str | None


@dataclass(frozen=True)
class OrganisationTree:
    """Organisations per country; ``XX-GOV`` exists for every ISO country even when not listed."""

    organisations: Mapping[str, Organisation]

    def known(self, code: str) -> bool:
        """Tell whether ``code`` names an organisation of the pack (or any ``XX-GOV``)."""
        return code in self.organisations or _is_gov_code(code)

    def subtree(self, code: str) -> frozenset[str]:
        """Return ``code`` and every organisation below it."""
        children: dict[str, list[str]] = {}
        for org in self.organisations.values():
            if org.parent:
                children.setdefault(org.parent, []).append(org.code)
        found, todo = {code}, [code]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return frozenset(found)

    def codes_of(self, country: str) -> frozenset[str]:
        """Return every known organisation code of one country (its ``XX-GOV`` included)."""
        own = {c for c in self.organisations if c.startswith(f"{country}-")}
        return frozenset(own | {f"{country}-GOV"})

    def name(self, code: str) -> str:
        """Return the organisation's name, or the code itself."""
        org = self.organisations.get(code)
        if org is not None:
            return org.name
        return f"Government of {code[:2]}" if _is_gov_code(code) else code


def _is_gov_code(code: str) -> bool:
    return len(code) == 6 and code.endswith("-GOV") and code[:2] in COUNTRY_CODES


@dataclass(frozen=True)
class RankLadders:
    """Rank ladders, top down; each country uses one (the standard one unless the pack says)."""

    ladders: Mapping[str, tuple[str, ...]]
    by_country: Mapping[str, str] = field(default_factory=dict)
    default: str = "standard"

    def ladder(self, country: str) -> tuple[str, ...]:
        """Return the ladder a country's government uses."""
        return self.ladders[self.by_country.get(country, self.default)]

    def at_or_above(self, country: str, rank: str) -> frozenset[str]:
        """Return the ranks at or above ``rank`` on the country's ladder."""
        ladder = self.ladder(country)
        return frozenset(ladder[: ladder.index(rank) + 1])

    def all_codes(self) -> frozenset[str]:
        """Return every rank code any ladder knows."""
        return frozenset(code for ladder in self.ladders.values() for code in ladder)


@dataclass(frozen=True)
class LegalInstrument:
    """An instrument of the legal frame beside the statute: an executive order, a memorandum."""

    title: str
    on: date
    says: str
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    """An actor of the regime in law, and the readmit role that acts for it."""

    id: str
    name: str
    role: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exemption:
    """Applicants none of the regime's measures cover: an input field holding one of ``values``."""

    input: str
    values: tuple[str, ...]
    says: str
    citation: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fee:
    """The standard visa fee from a day on (until the next entry of the series)."""

    on: date
    adult: float
    currency: str
    citation: str
    child: float | None = None
    child_from: int | None = None
    child_under: int | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordedUse:
    """A use of the regime's lever outside its lifecycle: a threat, talks, an announcement."""

    on: date
    countries: tuple[str, ...]
    event: str
    formal: bool
    uncertain: bool
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Regime:
    """The legal frame: who determines, who orders, what the applicant is told."""

    id: str
    name: str
    legal_text: str
    citation: str
    regulations: tuple[str, ...]
    determining_role: str
    ordering_role: str
    determining_authority: str
    visa_authority: str
    appeal: bool
    fee_refunded: bool
    place_rule: str
    resumption_condition: str
    sources: tuple[str, ...]
    related_instruments: tuple[LegalInstrument, ...] = ()
    short_name: str = ""  # the regime in a sentence ("243(d)"); the citation when empty
    # The day whose measures apply: the issuance decision's, or the day the application was made.
    governing_date: str = "decision_date"
    governing_date_says: str = ""
    actors: tuple[Actor, ...] = ()
    lifecycle: Lifecycle = CLASSIC
    inputs: tuple[str, ...] = ()  # input fields beyond the common ones that the regime reads
    exemptions: tuple[Exemption, ...] = ()
    fees: tuple[Fee, ...] = ()
    fee_parameter: str = ""  # the parameter whose value replaces the standard fee (visa_fee)
    recorded_uses: tuple[RecordedUse, ...] = ()
    notes: tuple[str, ...] = ()

    def fee_on(self, day: date | None) -> Fee | None:
        """The standard fee that holds on ``day`` (None when the pack records none)."""
        found = None
        for fee in self.fees:
            if day is not None and day >= fee.on:
                found = fee
        return found

    @property
    def called(self) -> str:
        """The regime's name in a sentence: 'not affected by 243(d)'."""
        return self.short_name or self.citation


@dataclass(frozen=True)
class LetterTemplate:
    decision: str
    title: str
    body: str


@dataclass(frozen=True)
class Policy:
    """Everything screening reads from a pack besides the sanctions themselves."""

    pack: str
    version: str
    regime: Regime
    visa_classes: VisaClassTable
    organisations: OrganisationTree
    ranks: RankLadders
    letters: Mapping[str, LetterTemplate]
