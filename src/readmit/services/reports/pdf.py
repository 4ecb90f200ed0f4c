"""Render a country brief as PDF with fpdf2 (pure Python: nothing to install beyond PyPI)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from fpdf import FPDF

from readmit.domain.metric_catalogue import metric_label, metric_value
from readmit.services.pdf_text import plain
from readmit.services.reports import charts as report_charts
from readmit.services.reports.model import Brief
from readmit.services.reports.projection import CAPTION, HEADING, nothing_to_project, section


class _Pdf(FPDF):
    def __init__(self, brief: Brief) -> None:
        super().__init__(format="A4")
        self.brief = brief
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(plain(brief.title))
        self.set_creator("readmit")

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, plain(self.brief.title), new_x="LMARGIN", new_y="NEXT")
        if self.brief.synthetic:
            self.set_text_color(170, 40, 0)
            self.cell(0, 5, "SYNTHETIC DEMO DATA - no real person", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 8, plain(f"{self.brief.provenance()}  Page {self.page_no()}"), align="C")


def render(brief: Brief) -> bytes:
    """Return the brief as PDF bytes."""
    pdf = _Pdf(brief)
    _summary(pdf, brief)
    _charts(pdf, brief)
    _sanctions(pdf, brief)
    _claims(pdf, brief)
    _projection(pdf, brief)
    _sources(pdf, brief)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, plain(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)


def _para(pdf: FPDF, text: str, size: int = 10) -> None:
    pdf.set_font("Helvetica", "", size)
    pdf.multi_cell(0, 5, plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(
    pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> None:
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(col_widths=tuple(widths), text_align="LEFT", line_height=4.5) as table:
        head = table.row()
        for name in header:
            head.cell(plain(name))
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(plain("-" if value is None else value))
    pdf.ln(3)


def _summary(pdf: FPDF, brief: Brief) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, plain(brief.title), new_x="LMARGIN", new_y="NEXT")
    found = brief.assessment
    _para(pdf, f"Window {brief.start} to {brief.end}. {brief.provenance()}")
    standard = found["standard"]
    _heading(pdf, f"Rating: {str(found['rating']).replace('_', ' ')}")
    _para(pdf, f"Standard {standard['id']}, version {standard['version']}.")
    for reason in found["reasons"]:
        status = str(reason.get("status", "")).replace("_", " ")
        _para(pdf, f"- [{status}] {reason.get('text')}", 9)
    _heading(pdf, "Cooperation figures in the window")
    contested = found.get("contested", {})
    rows = [
        (
            metric_label(name),
            metric_value(name, value),
            contested.get(name, 0) if isinstance(contested, dict) else 0,
        )
        for name, value in found["metrics"].items()
    ]
    _table(pdf, ("figure", "in the ledger", "contested by the partner"), rows, (80, 50, 50))


def _charts(pdf: FPDF, brief: Brief) -> None:
    pdf.add_page()
    _heading(pdf, "Cooperation over time")
    for index, (caption, spec) in enumerate(report_charts.charts(brief)):
        if index and index % 2 == 0:
            pdf.add_page()
        pdf.image(io.BytesIO(report_charts.png(spec)), w=175)
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 5, plain(f"Figure {index + 1}. {caption}."), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    _heading(pdf, "Figures by year")
    rows = [
        (r["year"], r["rating"], *(r[m] for m in report_charts.ACTIVITY), r["backlog"])
        for r in brief.series
    ]
    _table(
        pdf,
        ("year", "rating", "presentations", "documents", "removals", "backlog"),
        rows,
        (18, 40, 30, 30, 28, 28),
    )


def _sanctions(pdf: FPDF, brief: Brief) -> None:
    pdf.add_page()
    _heading(pdf, "Sanctions timeline")
    if not brief.sanctions:
        _para(pdf, f"No sanction on {brief.name} is recorded in the ledger.")
    for item in brief.sanctions:
        _para(pdf, f"{item['title']} - {item['status']}", 11)
        rows = [(step["on"], step["step"], step["text"]) for step in item["timeline"]]
        _table(pdf, ("date", "step", "what"), rows, (25, 40, 115))
    if brief.measures:
        _heading(pdf, f"Measures {brief.name} took in return")
        for measure in brief.measures:
            _para(pdf, f"{measure['occurred_on']}: {measure['measure']} ({measure['source']})", 9)


def _claims(pdf: FPDF, brief: Brief) -> None:
    pdf.add_page()
    _heading(pdf, "Claims beside the ledger")
    _para(
        pdf,
        "Figures asserted outside the ledger, each with who asserts it and its source, beside "
        "the ledger's own figure for the same quantity and dates (where the ledger counts it).",
        9,
    )
    rows = [
        (
            c.get("refers_from") or "",
            c["refers_to"],
            c["counts"],
            c.get("figure_text") or c.get("figure"),
            c.get("ledger_value"),
            c["asserted_by"],
        )
        for c in brief.claims
    ]
    _table(
        pdf,
        ("from", "to", "what is counted", "claim", "ledger", "asserted by"),
        rows,
        (18, 18, 62, 24, 18, 40),
    )


def _projection(pdf: FPDF, brief: Brief) -> None:
    pdf.add_page()
    _heading(pdf, HEADING)
    words = section(brief)
    if words is None:
        _para(pdf, nothing_to_project(brief))
        return
    pdf.set_text_color(0, 80, 140)
    _para(pdf, words.label, 9)
    pdf.set_text_color(0, 0, 0)
    _para(pdf, words.backlog)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, plain(words.answer), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _para(pdf, "The rates it rests on:", 9)
    for line in words.rests_on:
        _para(pdf, f"- {line}", 9)
    spec = report_charts.forecast_chart(brief)
    if spec is not None:
        pdf.image(io.BytesIO(report_charts.png(spec)), w=175)
        pdf.set_font("Helvetica", "I", 8)
        figure = len(report_charts.charts(brief)) + 1
        caption = f"Figure {figure}. {CAPTION}."
        pdf.cell(0, 5, plain(caption), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    _para(pdf, words.method, 8)
    _para(pdf, f"{words.computed_from} {words.reproduce}", 8)
    pdf.ln(2)


def _sources(pdf: FPDF, brief: Brief) -> None:
    _heading(pdf, "Sources")
    for number, source in enumerate(brief.sources, start=1):
        _para(pdf, f"[{number}] {source}", 8)
