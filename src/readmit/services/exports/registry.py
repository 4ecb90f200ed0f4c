"""The public registry as datasets: every sanction measure, and every lifecycle step."""

from __future__ import annotations

from datetime import date

from readmit.services.context import App
from readmit.services.exports.files import Column, Dataset
from readmit.services.sanctions import registry as sanctions

S, B, D = "string", "boolean", "date"


def registry(app: App, today: date) -> Dataset:
    """Every measure of every sanction ever recorded, with its state today."""
    rows = [
        {
            "sanction_id": s.id,
            "country": s.country,
            "country_name": s.country_name,
            "title": s.title,
            "status_today": s.status,
            "measure_id": v.measure.id,
            "effect": v.measure.effect,
            "summary": v.measure.summary,
            "visa_classes": ";".join(v.measure.classes) if v.measure.classes else None,
            "valid_from": _iso(v.measure.valid_from),
            "valid_to": _iso(v.measure.valid_to),
            "validity": v.validity,
            "state_today": v.state,
            "stale": v.stale,
            "citation": v.measure.citation,
            "sources": ";".join(v.measure.sources),
        }
        for s in sanctions.list_sanctions(app, today, today=today)
        for v in s.measures
    ]
    return Dataset(
        "sanctions_registry",
        "Sanction measures, ever and today",
        "policy pack, loaded into the ledger",
        _REGISTRY,
        rows,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


_REGISTRY = (
    Column("sanction_id", S, "Sanction identifier (country and year it began)"),
    Column("country", S, "ISO 3166-1 alpha-2 code of the sanctioned country"),
    Column("country_name", S, "Name of the sanctioned country"),
    Column("title", S, "The sanction in one line"),
    Column("status_today", S, "The sanction's status on the export date"),
    Column("measure_id", S, "Measure identifier"),
    Column("effect", S, "discontinue (issuance withheld) or restrict (shorter validity, entries)"),
    Column("summary", S, "Whom and which visas the measure covers, in plain words"),
    Column("visa_classes", S, "Visa classes covered, ;-separated (empty: not public)"),
    Column("valid_from", D, "First day in force (empty: not public)"),
    Column("valid_to", D, "First day no longer in force (empty: in force or unknown end)"),
    Column("validity", S, "The validity in words, with what the record leaves unknown"),
    Column("state_today", S, "in_force, uncertain or not_in_force on the export date"),
    Column("stale", B, "Not verified as still in force for over a year"),
    Column("citation", S, "Legal basis"),
    Column("sources", S, "Public sources, ;-separated"),
)


def sanction_steps(app: App) -> Dataset:
    """The lifecycle of every sanction: determination, notification, order, ..., lift."""
    rows = []
    for summary in sanctions.list_sanctions(app):
        for step in sanctions.show_sanction(app, summary.id).sanction.steps:
            rows.append(
                {
                    "sanction_id": summary.id,
                    "country": summary.country,
                    "step": step.kind,
                    "on": step.on.isoformat(),
                    "date_is_upper_bound": step.date_is_upper_bound,
                    "not_public": step.not_public,
                    "actor": step.actor,
                    "summary": step.summary,
                    "sources": ";".join(step.sources),
                }
            )
    columns = (
        Column("sanction_id", S, "Sanction identifier"),
        Column("country", S, "ISO code of the sanctioned country"),
        Column(
            "step",
            S,
            "determination, notification, order, amendment, compliance_notification or lift",
        ),
        Column("on", D, "Day of the step"),
        Column("date_is_upper_bound", B, "The record gives only a latest possible day"),
        Column("not_public", B, "Required by the rules but not shown by the public record"),
        Column("actor", S, "The office (or office holder named by the public record) acting"),
        Column("summary", S, "What the step did"),
        Column("sources", S, "Public sources, ;-separated"),
    )
    return Dataset(
        "sanction_steps",
        "Lifecycle of every sanction",
        "policy pack, loaded into the ledger",
        columns,
        rows,
    )
