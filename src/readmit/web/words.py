"""Numbers, dates, codes and sources as a reader expects them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from readmit.domain.metric_catalogue import CATALOGUE, metric_definition, metric_label, metric_value
from readmit.domain.sources import Segment, safe_url
from readmit.packs.sources import load_articles
from readmit.web import i18n

LABELS = {
    # Metrics are named once, in the catalogue the CLI, the PDF and the exports also read; an
    # event or state of the same code (nationality_confirmed) keeps its own words below.
    **{name: info.label for name, info in CATALOGUE.items()},
    "ordered": "ordered removed",
    "presented": "presented to the partner",
    "interview_scheduled": "interview scheduled",
    "interview_held": "interview held",
    "interviewed": "interviewed",
    "nationality_confirmed": "nationality confirmed",
    "nationality_disputed": "nationality disputed",
    "document_issued": "travel document issued",
    "document_expired": "travel document lapsed",
    "manifested": "on a flight manifest",
    "removed": "removed",
    "arrival_refused": "arrival refused",
    "received": "received for reintegration",
    "service_provided": "service provided",
    "stayed": "removal stayed",
    "stay_lifted": "stay lifted",
    "closed": "closed",
    "released": "released from custody",
    "case_opened": "final order recorded",
    "voided": "entry voided",
    "personal_data_erased": "personal data erased",
    "at_risk": "at risk",
    "not_affected": "not affected",
    "needs_review": "needs review",
    "in_person": "in person",
    "compliance_notification": "compliance notification",
    "insufficient_data": "not enough data",
}


def label(value: Any) -> str:
    """Return a code (a state, an event, a rating) in plain words."""
    text = str(value)
    return LABELS.get(text, text.replace("_", " "))


def number(value: Any) -> str:
    """Return a number with thousands separators; an absent figure as an en dash."""
    if value is None:
        return "–"
    localised = i18n.localised_number(value)
    if localised is not None:
        return localised
    if isinstance(value, float):
        # A whole figure (a median of whole days) reads as one: 1,333, not 1,333.0.
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return f"{value:,}"


def fact(value: Any) -> str:
    """Return a recorded fact as a reader says it: yes or no for a true/false one."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "–" if value is None or value == "" else str(value)


def percent(value: Any) -> str:
    """Return a share (0..1) as a percentage."""
    if value is None:
        return "–"
    return f"{100 * float(value):.0f} %"


def day(value: Any) -> str:
    """Return a date as '1 March 2022' (unambiguous in every locale)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, date):
        return i18n.localised_day(value) or f"{value.day} {value:%B %Y}"
    return str(value)


def link(text: Any, url: str | None) -> Markup:
    """Return ``text`` as a link to ``url`` if it is an http(s) address, else as plain text.

    Everything is escaped; an address of any other scheme (javascript:, data:) is never a link.
    """
    shown = "" if text is None else str(text)
    safe = safe_url(url)
    if safe is None:
        return escape(shown)
    return Markup('<a class="src" href="{}" rel="noopener">{}</a>').format(safe, shown or safe)


def segments_html(segments: Iterable[Segment]) -> Markup:
    """Return a source's segments as HTML: plain text escaped, each address a link."""
    return Markup("").join(link(s.text, s.url) for s in segments)


def sources(text: Any) -> Markup:
    """Return a source as a reader can open it: each address a link, each article named by its
    publisher, title and date (never by the pack's id)."""
    if text is None or text == "":
        return Markup("")
    return segments_html(load_articles().cite(str(text)))


def metric(name: str) -> Markup:
    """Return a metric's label with its one-line definition beneath, from the catalogue."""
    definition = metric_definition(name)
    hint = Markup('<span class="hint">{}</span>').format(definition) if definition else ""
    return Markup("{}{}").format(metric_label(name), hint)


def metric_number(value: Any, name: str) -> str:
    """Return a metric's value in its unit (a share as a percent); absent as an en dash."""
    return "–" if value is None else metric_value(name, value)


def threshold(value: Any, unit: str) -> str:
    """Return a standard's threshold in its unit: a share as a percent, days as whole days."""
    if value is None:
        return "–"
    if unit == "share":
        return f"{value:.0%}" if round(value * 100) == value * 100 else f"{value:.1%}"
    return number(value) + (" days" if unit == "days" else "")
