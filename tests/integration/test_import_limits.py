"""The importer refuses what the API and the dashboard refuse: the same limits on identifiers
and names, NUL characters, days after today (``domain/validation``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from readmit.services.context import Actor, App
from readmit.services.imports.run import import_file

ACTOR = Actor("importer", "admin")
TODAY = date(2026, 1, 1)
HEADER = "case_id,nationality,final_order_date,criminal,custody,given_name\n"


def test_an_overlong_case_id_or_name_or_a_nul_is_rejected_with_its_reason(
    sqlite_app: App, tmp_path: Path
) -> None:
    rows = [
        f"{'A' * 200_000},KH,2020-01-01,true,detained,",
        f"L2,KH,2020-01-01,true,detained,{'x' * 5_000_000}",
        "L3,KH,2020-01-01,true,detained,So\x00k",
        "bad id,KH,2020-01-01,true,detained,",
        "L5,KH,2020-01-01,true,detained,Sok",
    ]
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    report = import_file(sqlite_app, ACTOR, kind="cases", path=path, today=TODAY)
    assert report.applied == 1
    reasons = [r.reason for r in report.rejected]
    assert "case_id is 200,000 characters long; at most 128 are allowed" in reasons[0]
    assert "given_name is 5,000,000 characters long; at most 200" in reasons[1]
    assert "given_name must not contain a NUL character" in reasons[2]
    assert "case_id 'bad id' is not an identifier" in reasons[3]
