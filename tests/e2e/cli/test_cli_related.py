"""``readmit check`` says what 243(d) decides and which related restriction applies beside it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from readmit.cli import app
from readmit.services.context import App

BURMESE_IN_RANGOON = (
    "check",
    "--nationality",
    "MM",
    "--visa-class",
    "B2",
    "--decision-date",
    "2025-07-15",
    "--post-country",
    "MM",
)


def test_check_prints_the_243d_decision_and_the_proclamation_beside_it(env: App) -> None:
    result = CliRunner().invoke(app, list(BURMESE_IN_RANGOON))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("not_affected")
    assert "not affected by 243(d)" in text
    assert "a separate entry restriction under INA 212(f) (Proclamation 10949) applies" in text
    assert "INA 212(f); Proclamation 10949" in text
    assert "source: https://" in text


def test_check_json_carries_the_related_measure_with_its_citation(env: App) -> None:
    result = CliRunner().invoke(app, [*BURMESE_IN_RANGOON, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["decision"] == "not_affected"
    assert body["reasons"].startswith("not affected by 243(d); a separate entry restriction")
    [related] = body["related"]
    assert (related["instrument"], related["citation"], related["effect"], related["from"]) == (
        "Proclamation 10949",
        "INA 212(f); Proclamation 10949",
        "full entry ban",
        "2025-06-09",
    )
