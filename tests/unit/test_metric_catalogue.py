"""One label and one definition per metric, wherever it is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from readmit.domain.cooperation import METRIC_NAMES, explain_difference
from readmit.domain.cooperation_standard import Standard, judge
from readmit.domain.metric_catalogue import (
    CATALOGUE,
    markdown_table,
    metric_figure,
)
from readmit.packs import load_pack_file
from readmit.web.words import label, metric

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_every_metric_has_a_label_and_a_one_sentence_definition() -> None:
    assert tuple(CATALOGUE) == METRIC_NAMES
    for info in CATALOGUE.values():
        assert info.label and "_" not in info.label
        assert info.definition.endswith(".") and info.definition.count(". ") == 0


def test_docs_show_the_catalogue_as_it_is() -> None:
    assert markdown_table() in DOCS.read_text(encoding="utf-8"), (
        "docs/metrics.md's metric table is out of date: run `uv run python scripts/metric_table.py`"
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("documents_on_time_share", 0, "share of documents on time 0%"),
        ("documents_on_time_share", 0.5, "share of documents on time 50.0%"),
        (
            "median_days_presentation_to_interview",
            101.0,
            "median days, presentation to interview 101",
        ),
        ("median_days_order_to_removal", 1333.0, "median days, final order to removal 1,333"),
        ("removals", None, "removals none"),
    ],
)
def test_a_figure_reads_in_its_unit(name: str, value: object, said: str) -> None:
    assert metric_figure(name, value) == said


def test_the_ratings_reasons_name_figures_by_their_labels() -> None:
    standard = load_pack_file("us_ina_243d", "standard.yaml", Standard)
    version = standard.versions[-1]
    metrics = {name: 0 for name in METRIC_NAMES} | {"documents_on_time_share": 0.25}
    for criterion in version.criteria:
        text = judge(criterion, metrics)["text"]
        assert not any(name in text for name in METRIC_NAMES if "_" in name), text


def test_both_sides_differ_in_plain_words() -> None:
    text = explain_difference("median_days_presentation_to_interview", 101.0, 96.5, {"x": 1}, {})
    assert text.startswith("median days, presentation to interview: ours 101, partner 96.5")


def test_the_dashboard_shows_the_label_with_its_definition() -> None:
    shown = str(metric("documents_lapsed"))
    assert "documents lapsed unused" in shown and CATALOGUE["documents_lapsed"].definition in shown
    assert label("nationality_confirmed") == "nationality confirmed"  # the event keeps its words
