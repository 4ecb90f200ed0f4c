"""What-if on a small ledger: an empty scenario is the baseline, nothing is ever written, the
agreement's levers read the case import's columns, and a widened measure is counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from readmit.services.assessment.assess import Window, assess
from readmit.services.context import Actor, App
from readmit.services.imports.run import import_file
from readmit.services.screening.engine import ScreeningRequest
from readmit.services.screening.single import screen_one
from readmit.services.whatif import compare, files
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.services.whatif.recorded import record_analysis, recorded_analysis
from readmit.services.whatif.scenario import parse_scenario
from readmit.store.schema import metadata, persons
from readmit.store.whatif_schema import whatif_analyses  # noqa: F401 (its table counted)

ACTOR = Actor("importer", "admin")
TODAY = date(2026, 1, 1)
REQUEST = WhatIfRequest(start=date(2021, 1, 1), end=date(2021, 12, 31), runs=200, horizon=60)
# Five Cambodian cases: two agreed to return, one has a spouse here, one has children here, one
# gave nothing personal; one (K5) was removed in the window.
HEADER = "case_id,nationality,final_order_date,criminal,custody"
CASES = (
    HEADER
    + """,spouse_in_country,children_in_country,agreed_to_return
K1,KH,2019-01-01,false,detained,false,0,true
K2,KH,2019-02-01,false,detained,true,0,true
K3,KH,2019-03-01,false,released,false,2,false
K4,KH,2019-04-01,false,released,,,
K5,KH,2021-03-01,true,detained,false,0,false
"""
)
FLIGHTS = """flight_id,departure_on,kind,destination,capacity
F1,2021-05-02,commercial,KH,10
"""
EVENTS = """case_id,event,occurred_on,mode,document_expires_on,flight_id,reason
K1,presented,2021-02-01,,,,
K2,presented,2021-02-01,,,,
K3,presented,2021-02-01,,,,
K4,presented,2021-02-01,,,,
K5,presented,2021-04-01,,,,
K5,nationality_confirmed,2021-04-10,,,,
K5,document_issued,2021-04-20,,2021-09-01,,
K5,manifested,2021-05-01,,,F1,
K5,removed,2021-05-02,,,,
"""


def load(app: App, folder: Path) -> None:
    for kind, content in (("cases", CASES), ("flights", FLIGHTS), ("events", EVENTS)):
        path = folder / f"{kind}.csv"
        path.write_text(content)
        report = import_file(app, ACTOR, kind=kind, path=path, today=TODAY)
        assert not report.rejected, report.rejected


def state(app: App) -> dict[str, Any]:
    """The ledger's head and the row count of every table (the projections included)."""
    with app.uow(write=False) as uow:
        found: dict[str, Any] = {
            "head": tuple(uow.conn.execute(text("SELECT seq, hash FROM ledger_head")).all())
        }
        for table in metadata.sorted_tables:
            found[table.name] = uow.conn.execute(select(func.count()).select_from(table)).scalar()
    return found


def scenario(**changes: Any) -> Any:
    return parse_scenario({"id": "test", "country": "KH", **changes})


def test_an_empty_scenario_reproduces_the_baseline_assessment_exactly(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    found = compare.run(sqlite_app, scenario(), REQUEST)
    (part,) = found["countries"]
    assert part["baseline"] == part["scenario"] and part["difference"]["same"]
    assessed = assess(sqlite_app, "KH", Window(REQUEST.start, REQUEST.end))  # type: ignore[arg-type]
    assert part["baseline"]["rating"] == assessed["rating"]
    assert part["baseline"]["reasons"] == [r["text"] for r in assessed["reasons"]]
    assert part["baseline"]["metrics"] == assessed["metrics"]
    assert found["ledger_position"] == assessed["ledger_position"]


@pytest.mark.postgres
def test_a_forecast_and_a_scenario_write_nothing_to_the_store(db_app: App, tmp_path: Path) -> None:
    load(db_app, tmp_path)
    before = state(db_app)
    forecast(db_app, "KH", REQUEST)
    amended = scenario(
        agreement={"voluntary_only": True, "training_days": 60},
        standard={"window_days": 180, "criteria": {"removal_share": {"at_risk": 0.5}}},
        process={"removals_per_month": 3},
    )
    result = compare.run(db_app, amended, REQUEST)
    files.save(result, tmp_path / "out")
    assert state(db_app) == before
    assert (tmp_path / "out" / "result.json").is_file()


def test_voluntary_returns_leave_out_every_case_whose_person_did_not_agree(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    (part,) = compare.run(sqlite_app, scenario(agreement={"voluntary_only": True}), REQUEST)[
        "countries"
    ]
    side = part["scenario"]
    # Pending on 31 December: K1-K4 (K5 was removed); K1 and K2 agreed.
    assert (side["pending"], side["backlog"], side["not_removable"]) == (4, 2, 2)
    assert "2 of the 4 pending cases record that the person agreed" in side["effects"][0]
    # K5 did not agree: under the scenario its presentation and removal are not counted.
    assert part["baseline"]["metrics"]["removals"] == 1
    assert side["metrics"]["removals"] == 0 and side["metrics"]["presentations"] == 2


def test_family_unity_leaves_out_a_spouse_or_children_here_and_keeps_the_rest(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    part = compare.run(sqlite_app, scenario(agreement={"no_family_separation": True}), REQUEST)
    side = part["countries"][0]["scenario"]
    assert (side["backlog"], side["not_removable"]) == (2, 2)  # K2 (spouse), K3 (children)


def test_the_case_import_keeps_agreed_to_return_outside_the_chain(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    with sqlite_app.uow(write=False) as uow:
        data = dict(uow.conn.execute(select(persons.c.case_id, persons.c.data)).all())
        payloads = uow.conn.execute(text("SELECT payload FROM events")).scalars().all()
    assert data["K1"]["agreed_to_return"] is True and data["K3"]["agreed_to_return"] is False
    assert "K4" not in data  # nothing personal given: no personal record
    assert not any("agreed_to_return" in p for p in payloads)
    bad = tmp_path / "bad.csv"
    bad.write_text(CASES.splitlines()[0] + "\nK9,KH,2019-01-01,false,detained,,,maybe\n")
    report = import_file(sqlite_app, ACTOR, kind="cases", path=bad, today=TODAY)
    assert "agreed_to_return must be true or false, not 'maybe'" in report.rejected[0].reason


def test_a_widened_measure_counts_the_logged_decisions_it_would_decide_differently(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    director = {
        "nationality": "KH",
        "visa_class": "B1/B2",
        "decision_date": "2021-06-01",
        "post_country": "KH",
        "employer": "KH-MFA",
        "rank": "director",
        "relationship": "self",
    }
    screen_one(sqlite_app, Actor("consul", "consular_officer"), ScreeningRequest(inputs=director))
    wider = scenario(
        sanctions=[{"measure": "KH-2017-1", "starting": "2021-01-01", "who": {"min_rank": "any"}}]
    )
    found = compare.run(sqlite_app, wider, REQUEST)["sanctions"]
    assert found["single_decisions_decided_again"] == 1
    assert found["by_class_and_post"] == [
        {
            "visa_class": "B1/B2",
            "post": "KH",
            "baseline": "not_affected",
            "scenario": "discontinued",
            "count": 1,
        }
    ]


def test_a_recorded_analysis_names_its_scenario_and_leaves_the_ledger_alone(
    sqlite_app: App, tmp_path: Path
) -> None:
    load(sqlite_app, tmp_path)
    result = compare.run(sqlite_app, scenario(process={"removals_per_month": 2}), REQUEST)
    before = state(sqlite_app)
    ident = record_analysis(sqlite_app, ACTOR, result)
    assert record_analysis(sqlite_app, ACTOR, result) == ident  # the same result, once
    after = state(sqlite_app)
    assert after.pop("whatif_analyses") == before.pop("whatif_analyses") + 1
    assert after == before  # the head, the events and every projection as they were
    found = recorded_analysis(sqlite_app, ident)
    assert (found["scenario_id"], found["scenario_digest"]) == (
        "test",
        result["scenario"]["digest"],
    )
    assert found["ledger_seq"] == result["ledger_position"]["seq"] and found["result"] == result


levers = st.fixed_dictionaries(
    {
        "agreement": st.fixed_dictionaries(
            {
                "voluntary_only": st.booleans(),
                "no_family_separation": st.booleans(),
                "nationals_only": st.booleans(),
                "training_days": st.integers(0, 400),
            }
        ),
        "process": st.fixed_dictionaries(
            {
                "interviews_per_month": st.none() | st.floats(0, 50),
                "removals_per_month": st.none() | st.floats(0, 50),
                "new_orders_per_month": st.none() | st.floats(0, 20),
            }
        ),
        "standard": st.fixed_dictionaries({"window_days": st.none() | st.integers(28, 700)}),
    }
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=levers, seed=st.integers(0, 2**16))
def test_no_scenario_changes_the_ledger_head_or_any_projection(
    sqlite_app: App, tmp_path_factory: pytest.TempPathFactory, changes: Any, seed: int
) -> None:
    if state(sqlite_app)["cases"] == 0:  # one store for every example
        load(sqlite_app, tmp_path_factory.mktemp("rows"))
    before = state(sqlite_app)
    request = WhatIfRequest(start=REQUEST.start, end=REQUEST.end, runs=100, horizon=24, seed=seed)
    first = compare.run(sqlite_app, scenario(**changes), request)
    assert compare.run(sqlite_app, scenario(**changes), request) == first  # same seed, same
    assert state(sqlite_app) == before
