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


def test_an_event_row_is_checked_against_every_text_limit_whatever_the_length_of_its_cells(
    sqlite_app: App, tmp_path: Path
) -> None:
    """Most rows are found in bulk to be too short to break any limit; the others are checked
    one by one, so a long text within its limit passes and one past it, or a NUL, does not."""
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "E1,KH,2020-01-01,true,detained,\n")
    import_file(sqlite_app, ACTOR, kind="cases", path=cases, today=TODAY)
    header = "case_id,event,occurred_on,reason,organisation,source\n"
    rows = [
        f"E1,presented,2020-02-01,,,{'s' * 1_500}",  # a long source, within its 2,000
        f"E1,nationality_disputed,2020-02-02,,{'o' * 201},",
        f"E1,nationality_disputed,2020-02-03,{'r' * 2_001},,",
        "E1,nationality_disputed,2020-02-04,,,cable\x00 17",
        "E1,nationality_disputed,2031-01-01,,,",
        f"E1,nationality_disputed,2020-02-05,{'r' * 2_000},{'o' * 200},",
    ]
    path = tmp_path / "events.csv"
    path.write_text(header + "\n".join(rows) + "\n")
    report = import_file(sqlite_app, ACTOR, kind="events", path=path, today=TODAY)
    assert report.applied == 2
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons == {
        3: "organisation is 201 characters long; at most 200 are allowed",
        4: "reason is 2,001 characters long; at most 2,000 are allowed",
        5: "source must not contain a NUL character",
        6: "occurred_on 2031-01-01 is in the future (today is 2026-01-01)",
    }
