"""The cooperation standard: criteria over metrics, thresholds, and how they make a rating.

A standard is data in the policy pack (``standard.yaml``), versioned over time. Each criterion
reads one metric, or a ratio of metrics, and compares it with two thresholds: the level at which
a country is ``at_risk`` and the level at which it is ``uncooperative``. A criterion whose
denominator is zero in the window is *not applicable* and does not decide the rating. The
rating is ``insufficient_data`` when the window holds too little to judge, and says what is
missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from readmit.domain.cooperation import METRIC_NAMES
from readmit.domain.errors import NotFound
from readmit.domain.metric_catalogue import metric_figure, metric_label

COOPERATIVE, AT_RISK, UNCOOPERATIVE = "cooperative", "at_risk", "uncooperative"
INSUFFICIENT = "insufficient_data"
RATINGS = (UNCOOPERATIVE, AT_RISK, INSUFFICIENT, COOPERATIVE)  # worst first
MET, NOT_APPLICABLE = "met", "not_applicable"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    id: str
    title: str
    url: str
    says: str


class Criterion(_Strict):
    """One test of the standard."""

    id: str
    label: str
    numerator: list[str]
    denominator: list[str] = Field(default_factory=list)
    direction: Literal["higher_is_better", "lower_is_better"]
    at_risk: float
    uncooperative: float
    unit: Literal["share", "ratio", "days", "count"] = "share"
    shows: list[str] = Field(default_factory=list)  # more figures to name in the reason
    basis: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Criterion:
        for name in [*self.numerator, *self.denominator, *self.shows]:
            if name not in METRIC_NAMES:
                raise ValueError(f"criterion {self.id}: unknown metric {name!r}")
        if not self.numerator or (not self.denominator and len(self.numerator) != 1):
            raise ValueError(f"criterion {self.id}: without a denominator, name one metric")
        worse = self.uncooperative < self.at_risk
        if worse != (self.direction == "higher_is_better") and self.uncooperative != self.at_risk:
            raise ValueError(
                f"criterion {self.id}: the uncooperative threshold must be worse than at_risk"
            )
        return self


class Sufficiency(_Strict):
    """How much the window must hold before the standard judges."""

    min_events: int
    events_from: list[str]
    min_applicable_criteria: int


class Combination(_Strict):
    """How criterion levels combine into a rating."""

    uncooperative_if_criteria_at_least: int
    at_risk_if_criteria_at_least: int


class StandardVersion(_Strict):
    version: str
    valid_from: date
    valid_to: date | None = None
    summary: str
    criteria: list[Criterion]
    sufficiency: Sufficiency
    combination: Combination
    determination_condition: str
    document_deadline_days: int
    citations: list[Citation]

    @model_validator(mode="after")
    def _check_bases(self) -> StandardVersion:
        cited = {c.id for c in self.citations}
        for criterion in self.criteria:
            unknown = set(criterion.basis) - cited
            if unknown:
                raise ValueError(
                    f"version {self.version}, criterion {criterion.id}: basis "
                    f"{', '.join(sorted(unknown))} is not among the citations"
                )
        return self


class Standard(_Strict):
    id: str
    regime: str
    title: str
    versions: list[StandardVersion]

    def version_for(self, on: date, version: str | None = None) -> StandardVersion:
        """Return the named version, or the one in force on ``on``."""
        for candidate in self.versions:
            if version is not None and candidate.version == version:
                return candidate
            if (
                version is None
                and candidate.valid_from <= on
                and (candidate.valid_to is None or on <= candidate.valid_to)
            ):
                return candidate
        wanted = f"version {version!r}" if version else f"a version in force on {on}"
        known = ", ".join(v.version for v in self.versions)
        raise NotFound(f"standard {self.id} has no {wanted}; versions: {known}")


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.1%}"
    if unit == "days":
        return f"{value:g} days"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _figures(criterion: Criterion, metrics: dict[str, Any]) -> str:
    names = [*criterion.numerator, *criterion.denominator, *criterion.shows]
    return ", ".join(metric_figure(name, metrics[name]) for name in dict.fromkeys(names))


def _labels(names: Sequence[str]) -> str:
    return " + ".join(metric_label(name) for name in names)


def judge(criterion: Criterion, metrics: dict[str, Any]) -> dict[str, Any]:
    """Return one criterion's finding: its value, level and a sentence that names the figures."""
    values = [metrics[name] for name in criterion.numerator]
    numerator = None if None in values else sum(values)
    denominator = sum(metrics[name] or 0 for name in criterion.denominator)
    base = {"criterion": criterion.id, "label": criterion.label}
    if numerator is None or (criterion.denominator and denominator == 0):
        missing = _labels(criterion.denominator or criterion.numerator)
        return {
            **base,
            "status": NOT_APPLICABLE,
            "value": None,
            "text": f"{criterion.label}: not applicable — {missing} is zero or undefined "
            f"in the window ({_figures(criterion, metrics)})",
        }
    value = round(numerator / denominator, 4) if criterion.denominator else float(numerator)
    status, threshold = _level(criterion, value)
    relation = _relation(criterion, status)
    return {
        **base,
        "status": status,
        "value": value,
        "threshold": threshold,
        "text": f"{criterion.label} was {_fmt(value, criterion.unit)} "
        f"({_figures(criterion, metrics)}), {relation} {_fmt(threshold, criterion.unit)}",
    }


def _level(criterion: Criterion, value: float) -> tuple[str, float]:
    higher_better = criterion.direction == "higher_is_better"

    def crossed(limit: float) -> bool:
        return value < limit if higher_better else value > limit

    if crossed(criterion.uncooperative):
        return UNCOOPERATIVE, criterion.uncooperative
    if crossed(criterion.at_risk):
        return AT_RISK, criterion.at_risk
    return MET, criterion.at_risk


def _relation(criterion: Criterion, status: str) -> str:
    higher_better = criterion.direction == "higher_is_better"
    if status == MET:
        return "meeting the at-risk threshold of" if higher_better else "within the limit of"
    word = "below" if higher_better else "above"
    return f"{word} the {status.replace('_', '-')} threshold of"


def rate(version: StandardVersion, metrics: dict[str, Any]) -> dict[str, Any]:
    """Return the rating, one reason per criterion, and what is missing when data is short."""
    findings = [judge(c, metrics) for c in version.criteria]
    applicable = [f for f in findings if f["status"] != NOT_APPLICABLE]
    events = sum(metrics[name] or 0 for name in version.sufficiency.events_from)
    missing: list[str] = []
    if events < version.sufficiency.min_events:
        missing.append(
            f"the window holds {events} of {_labels(version.sufficiency.events_from)}; "
            f"the standard needs at least {version.sufficiency.min_events}"
        )
    if len(applicable) < version.sufficiency.min_applicable_criteria:
        missing.append(
            f"only {_criteria(len(applicable))} applicable; the standard needs at least "
            f"{version.sufficiency.min_applicable_criteria}"
        )
    uncooperative = sum(f["status"] == UNCOOPERATIVE for f in applicable)
    at_risk = sum(f["status"] in {UNCOOPERATIVE, AT_RISK} for f in applicable)
    if missing:
        rating = INSUFFICIENT
    elif uncooperative >= version.combination.uncooperative_if_criteria_at_least:
        rating = UNCOOPERATIVE
    elif at_risk >= version.combination.at_risk_if_criteria_at_least:
        rating = AT_RISK
    else:
        rating = COOPERATIVE
    return {"rating": rating, "reasons": findings, "missing": missing}


def rating_rank(rating: str) -> int:
    """Return a sort rank for a rating: worst first."""
    return RATINGS.index(rating) if rating in RATINGS else len(RATINGS)


def _criteria(n: int) -> str:
    return f"{n} criterion is" if n == 1 else f"{n} criteria are"
