"""A regime's own assessment, as pack data: numeric indicators, qualitative factors, evidence.

Some regimes judge cooperation on numbers (return decisions, returns as a share of them,
readmission requests accepted); others on factors weighed in an opinion (the arrangements, the
steps taken and how promptly, how long and how far cooperation failed, and why). A pack's
``assessment.yaml`` declares either or both:

* ``indicators``: each reads ledger quantities (a count, or a ratio of sums) where the ledger
  holds the facts, names the published series that would give the official figure, and is
  shown beside every statement of the pack about it (who says it, where);
* ``factors``: each is a question the law asks, answered per country by a ``finding`` whose
  evidence is the pack's statements about that factor, plus ledger figures it names.

Nothing here knows any regime: the words, provisions and sources all come from the pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from readmit.domain.claims import Source
from readmit.domain.cooperation import METRIC_NAMES
from readmit.domain.countries import country_code
from readmit.domain.metric_catalogue import metric_label, metric_value

# Ledger quantities beyond the cooperation metrics, computed from the same tallies.
FINAL_ORDERS_ISSUED = "final_orders_issued"
EXTRA_LABELS = {FINAL_ORDERS_ISSUED: "final orders recorded in the window"}
LEDGER_QUANTITIES = (*METRIC_NAMES, FINAL_ORDERS_ISSUED)
NO_PUBLISHED_FIGURE = "no published figure in the record"
Unit = Literal["share", "ratio", "days", "count"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(names: Sequence[str], where: str) -> None:
    for name in names:
        if name not in LEDGER_QUANTITIES:
            raise ValueError(f"{where}: unknown ledger quantity {name!r}")


class LedgerReading(_Strict):
    """How an indicator is read from the ledger: one quantity, or a ratio of sums of them."""

    numerator: list[str]
    denominator: list[str] = Field(default_factory=list)
    unit: Unit = "share"
    says: str  # what the ledger counts, in words (its figure is not the official one)

    @model_validator(mode="after")
    def _check(self) -> LedgerReading:
        _known([*self.numerator, *self.denominator], "ledger")
        if not self.numerator or (not self.denominator and len(self.numerator) != 1):
            raise ValueError("ledger: without a denominator, name one quantity")
        return self


class Series(_Strict):
    """A published statistical series that gives an indicator's official figure."""

    id: str
    title: str
    url: str


class Indicator(_Strict):
    id: str
    label: str
    provision: str
    group: str | None = None
    ledger: LedgerReading | None = None
    series: list[Series] = Field(default_factory=list)
    uncertain: bool = False  # the law's own list is not confirmed by a primary source


class Factor(_Strict):
    id: str
    label: str
    provision: str
    question: str
    ledger_metrics: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Factor:
        _known(self.ledger_metrics, f"factor {self.id}")
        return self


class Statement(_Strict):
    """What someone said or decided about one indicator or factor of one country."""

    id: str
    country: str
    about: str  # an indicator's or a factor's id
    day: date  # (not `on`: YAML reads that key as true)
    says: str
    asserted_by: str
    source: Source
    figure: float | None = None
    figure_text: str | None = None
    series: str | None = None  # the published series the figure is of
    uncertain: bool = False

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)


class FactorFinding(_Strict):
    factor: str
    finding: str
    uncertain: bool = False


class Finding(_Strict):
    """The pack's structured reading of a country under the factors, as of a date."""

    country: str
    as_of: date
    summary: str
    outcome: str
    uncertain: bool = False
    factors: list[FactorFinding]

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)


class RegimeAssessment(_Strict):
    """``assessment.yaml``: what a regime's assessment is made of."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sources: dict[str, Source] = Field(default_factory=dict, alias="_sources")
    id: str
    regime: str
    title: str
    assessor: str
    method: str
    # Travel documents count as on time within this many days of the latest presentation.
    document_deadline_days: int = Field(default=30, ge=1)
    indicators: list[Indicator] = Field(default_factory=list)
    factors: list[Factor] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> RegimeAssessment:
        about = {i.id for i in self.indicators} | {f.id for f in self.factors}
        ids = [s.id for s in self.statements]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"statement ids given twice: {', '.join(twice)}")
        for statement in self.statements:
            if statement.about not in about:
                raise ValueError(
                    f"statement {statement.id}: {statement.about!r} is not an indicator or "
                    "factor of this file"
                )
            series = {s.id for i in self.indicators if i.id == statement.about for s in i.series}
            if statement.series is not None and statement.series not in series:
                raise ValueError(
                    f"statement {statement.id}: series {statement.series!r} is not one of "
                    f"indicator {statement.about}'s"
                )
        factors = {f.id for f in self.factors}
        for finding in self.findings:
            for part in finding.factors:
                if part.factor not in factors:
                    raise ValueError(
                        f"finding for {finding.country}: {part.factor!r} is not a factor"
                    )
        if not self.indicators and not self.factors:
            raise ValueError("declare indicators, factors, or both")
        return self


def quantity_label(name: str) -> str:
    """Return a ledger quantity's label."""
    return EXTRA_LABELS.get(name) or metric_label(name)


def _quantity_text(name: str, value: Any) -> str:
    if name in EXTRA_LABELS:
        return f"{quantity_label(name)} {value:,}"
    return f"{metric_label(name)} {metric_value(name, value)}"


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.1%}"
    if unit == "days":
        return f"{value:g} days"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def read_ledger(reading: LedgerReading, quantities: Mapping[str, Any]) -> dict[str, Any]:
    """Return an indicator's ledger value and a sentence naming the figures it comes from."""
    names = list(dict.fromkeys([*reading.numerator, *reading.denominator]))
    figures = ", ".join(_quantity_text(n, quantities[n]) for n in names)
    values = [quantities[n] for n in reading.numerator]
    numerator = None if None in values else sum(values)
    denominator = sum(quantities[n] or 0 for n in reading.denominator)
    if numerator is None or (reading.denominator and denominator == 0):
        return {
            "value": None,
            "status": "no_facts",
            "text": f"the ledger holds no facts to compute this ({figures})",
        }
    if not reading.denominator:  # one quantity: its label says what the figure counts
        (name,) = reading.numerator
        text = f"{_fmt(numerator, reading.unit)} ({quantity_label(name)})"
        return {"value": numerator, "status": "computed", "text": text}
    value = round(numerator / denominator, 4)
    return {
        "value": value,
        "status": "computed",
        "text": f"{_fmt(value, reading.unit)} ({figures})",
    }


def statement_row(statement: Statement) -> dict[str, Any]:
    """Return a statement as a JSON-ready dict, its source as one line."""
    figure = statement.figure
    return {
        "id": statement.id,
        "day": statement.day.isoformat(),
        "says": " ".join(statement.says.split()),
        "figure": int(figure) if figure is not None and figure.is_integer() else figure,
        "figure_text": statement.figure_text,
        "series": statement.series,
        "asserted_by": statement.asserted_by,
        "source": statement.source.text(),
        "source_title": statement.source.title,
        "url": statement.source.url,
        "uncertain": statement.uncertain,
    }


def _about(spec: RegimeAssessment, country: str, about: str, until: date) -> list[Statement]:
    found = [s for s in spec.statements if s.country == country and s.about == about]
    return sorted((s for s in found if s.day <= until), key=lambda s: (s.day, s.id))


def indicator_rows(
    spec: RegimeAssessment,
    country: str,
    quantities: Mapping[str, Any],
    ledger_source: str,
    until: date,
) -> list[dict[str, Any]]:
    """Return one row per indicator: the ledger's value (with its source), each published
    series' figure for the country (or that none is published) and the statements about it."""
    rows = []
    for indicator in spec.indicators:
        statements = _about(spec, country, indicator.id, until)
        ledger = None
        if indicator.ledger is not None:
            ledger = {
                **read_ledger(indicator.ledger, quantities),
                "says": " ".join(indicator.ledger.says.split()),
                "source": ledger_source,
            }
        published = []
        for series in indicator.series:
            given = [statement_row(s) for s in statements if s.series == series.id]
            published.append(
                {
                    "series": series.id,
                    "title": series.title,
                    "url": series.url,
                    "figures": given,
                    "text": "; ".join(_figure_text(g) for g in given) or NO_PUBLISHED_FIGURE,
                }
            )
        rows.append(
            {
                "indicator": indicator.id,
                "label": indicator.label,
                "provision": indicator.provision,
                "group": indicator.group,
                "uncertain": indicator.uncertain,
                "ledger": ledger,
                "published": published,
                "statements": [statement_row(s) for s in statements if s.series is None],
            }
        )
    return rows


def _figure_text(row: Mapping[str, Any]) -> str:
    text = row["figure_text"] or str(row["figure"])
    return f"{text} ({row['asserted_by']}, {row['day']}{' [U]' if row['uncertain'] else ''})"


def tells_of(spec: RegimeAssessment, country: str) -> bool:
    """Whether the pack records anything about a country (a statement or a finding)."""
    return any(s.country == country for s in spec.statements) or any(
        f.country == country for f in spec.findings
    )


def finding_for(spec: RegimeAssessment, country: str, until: date) -> Finding | None:
    """Return the latest finding about a country made by ``until``, if the pack has one."""
    found = [f for f in spec.findings if f.country == country and f.as_of <= until]
    return max(found, key=lambda f: f.as_of) if found else None


def factor_rows(
    spec: RegimeAssessment,
    country: str,
    quantities: Mapping[str, Any],
    ledger_source: str,
    until: date,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Return the finding (summary, outcome) and one row per factor: what the finding says of
    it and its evidence: the pack's statements and the ledger figures the factor names."""
    finding = finding_for(spec, country, until)
    said = {part.factor: part for part in finding.factors} if finding else {}
    rows = []
    for factor in spec.factors:
        part = said.get(factor.id)
        rows.append(
            {
                "factor": factor.id,
                "label": factor.label,
                "provision": factor.provision,
                "question": " ".join(factor.question.split()),
                "finding": " ".join(part.finding.split()) if part else None,
                "uncertain": part.uncertain if part else False,
                "evidence": [statement_row(s) for s in _about(spec, country, factor.id, until)],
                "ledger": [
                    {
                        "quantity": name,
                        "label": quantity_label(name),
                        "value": quantities[name],
                        "text": _quantity_text(name, quantities[name]),
                        "source": ledger_source,
                    }
                    for name in factor.ledger_metrics
                ],
            }
        )
    head = None
    if finding is not None:
        head = {
            "as_of": finding.as_of.isoformat(),
            "summary": " ".join(finding.summary.split()),
            "outcome": " ".join(finding.outcome.split()),
            "uncertain": finding.uncertain,
        }
    return head, rows
