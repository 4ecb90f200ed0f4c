"""Screening through the services: the decision log, batches, replay and the resumed queue."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from readmit.domain.errors import InvalidInput, NotFound
from readmit.services.context import Actor, App
from readmit.services.sanctions import registry, steps
from readmit.services.screening.batch import screen_file
from readmit.services.screening.engine import ScreeningRequest
from readmit.services.screening.letters import letter
from readmit.services.screening.replay import replay, replay_as, resumed, resumed_as
from readmit.services.screening.single import screen_one
from readmit.store.sanctions_schema import decision_holds, decisions

OFFICER = Actor("officer", "consular_officer")
DHS = Actor("dhs", "determining_authority")
STATE = Actor("state", "visa_authority")
HEADER = [
    "application_id",
    "nationality",
    "visa_class",
    "decision_date",
    "post_country",
    "employer",
    "rank",
    "relationship",
    "principal_employer",
    "principal_rank",
    "date_of_birth",
    "approved_exception",
    "passport_note",
]
ROWS = [
    ["A1", "KH", "B2", "2022-03-01", "KH", "", "", "spouse", "KH-MFA", "minister", "", "", "n1"],
    ["A2", "LA", "F1", "2021-05-01", "LA", "", "", "", "", "", "", "", "n2"],
    ["A3", "XX", "B2", "2022-03-01", "KH", "", "", "", "", "", "", "", "n3"],
    ["A4", "GH", "B2", "2019-06-01", "GH", "", "", "child", "GH-LEG", "", "2005-01-01", "", "n4"],
    ["A5", "TH", "B2", "2022-03-01", "TH", "", "", "", "", "", "", "", "n5"],
]


def write_csv(path: Path, rows: list[list[str]], extra: str = "") -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
        handle.write(extra)
    return path


def test_a_single_decision_is_logged_with_personal_fields_masked(db_app: App) -> None:
    inputs = {
        "application_id": "GH-7",
        "nationality": "GH",
        "visa_class": "B2",
        "decision_date": "2019-06-01",
        "post_country": "GH",
        "relationship": "child",
        "principal_employer": "GH-LEG",
        "date_of_birth": "2005-01-01",
    }
    result = screen_one(db_app, OFFICER, ScreeningRequest(inputs=inputs))
    assert result.decision.decision == "restricted"
    with db_app.uow(write=False) as uow:
        row = uow.conn.execute(
            select(decisions).where(decisions.c.decision_id == result.decision_id)
        ).one()
    logged = json.loads(row.inputs)
    assert "date_of_birth" not in logged and logged["age_on_decision_date"] == 14
    assert "2005-01-01" not in row.inputs
    assert row.pack_version == result.pack_version and row.kind == "single"
    replayed = replay(db_app, result.decision_id)
    assert replayed.unchanged and replayed.now.decision == "restricted"


def test_the_letter_of_a_logged_decision(db_app: App) -> None:
    inputs = {
        "nationality": "KH",
        "visa_class": "B2",
        "decision_date": "2022-03-01",
        "post_country": "KH",
        "employer": "KH-MFA",
        "rank": "minister",
    }
    result = screen_one(db_app, OFFICER, ScreeningRequest(inputs=inputs))
    text = letter(db_app, OFFICER, result.decision_id)
    assert (
        "temporarily been discontinued under Section 243(d)" in text and result.decision_id in text
    )
    with pytest.raises(NotFound):
        letter(db_app, OFFICER, "d-none")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_is_screened_and_logged_once(db_app: App, tmp_path: Path, suffix: str) -> None:
    source = write_csv(tmp_path / "in.csv", ROWS)
    if suffix == ".parquet":
        pl.read_csv(source, infer_schema=False).write_parquet(tmp_path / "in.parquet")
        source = tmp_path / "in.parquet"
    target = tmp_path / f"out{suffix}"
    seen: list[int] = []
    summary = screen_file(
        db_app, OFFICER, source=source, target=target, progress=lambda rows, done: seen.append(rows)
    )
    assert summary.rows == 5 and seen[-1] == 5
    assert summary.by_decision == {
        "discontinued": 1,
        "needs_review": 1,  # Laos 2020: from 1 April or 5 June, the record gives both
        "invalid": 1,
        "restricted": 1,
        "not_affected": 1,
    }
    out = pl.read_csv(target, infer_schema=False) if suffix == ".csv" else pl.read_parquet(target)
    assert out.columns == [
        *HEADER,
        "decision",
        "measures",
        "reasons",
        "citations",
        "restrictions",
        "decision_id",
    ]
    assert out["passport_note"].to_list() == ["n1", "n2", "n3", "n4", "n5"]
    assert out["decision_id"].to_list() == [f"{summary.batch_id}:{n}" for n in range(1, 6)]
    with db_app.uow(write=False) as uow:
        logged = uow.conn.execute(select(decisions)).all()
        holds = uow.conn.execute(select(decision_holds.c.decision_id)).scalars().all()
    assert [r.kind for r in logged] == ["batch"] and logged[0].row_count == 5
    assert sorted(holds) == [f"{summary.batch_id}:1"], "only a discontinued row is held"


def test_a_malformed_line_is_invalid_and_the_rest_goes_on(db_app: App, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ROWS[:2], extra="only,three,fields\n")
    summary = screen_file(db_app, OFFICER, source=source, target=tmp_path / "out.csv")
    assert summary.rows == 2 and summary.malformed == 1 and summary.invalid == 1
    out = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert out["decision"].to_list() == ["discontinued", "needs_review", "invalid"]
    assert "cannot be read as a row" in out["reasons"][2]


def test_a_file_without_the_essential_columns_is_refused(db_app: App, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("application_id,visa\nA1,B2\n")
    with pytest.raises(InvalidInput, match="has no column nationality"):
        screen_file(db_app, OFFICER, source=source, target=tmp_path / "out.csv")


def test_a_batch_row_replays_from_the_input_file(db_app: App, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ROWS)
    summary = screen_file(db_app, OFFICER, source=source, target=tmp_path / "out.csv")
    result = replay(db_app, f"{summary.batch_id}:4", source)
    assert result.unchanged and result.now.decision == "restricted"
    with pytest.raises(InvalidInput, match="needs the input file"):
        replay(db_app, f"{summary.batch_id}:4")
    other = write_csv(tmp_path / "other.csv", ROWS[:1])
    with pytest.raises(InvalidInput, match="digest differs"):
        replay(db_app, f"{summary.batch_id}:1", other)


def test_replay_says_when_a_later_step_changed_the_outcome(db_app: App) -> None:
    inputs = {
        "nationality": "KH",
        "visa_class": "B2",
        "decision_date": "2031-01-10",
        "post_country": "KH",
        "employer": "KH-MOI",
    }
    result = screen_one(db_app, OFFICER, ScreeningRequest(inputs=inputs))
    assert result.decision.decision == "not_affected"
    sanction = _order_on_moi(db_app)
    replayed = replay(db_app, result.decision_id)
    assert not replayed.unchanged
    assert (replayed.then.decision, replayed.now.decision) == ("not_affected", "discontinued")
    assert sanction.id == "KH-2030"


def _order_on_moi(app: App) -> registry.Sanction:
    from readmit.domain.events import NewEvent

    with app.uow() as uow:
        uow.record(
            [
                NewEvent(
                    "assessment_recorded",
                    "assessment",
                    "as-9",
                    date(2030, 1, 1),
                    "a",
                    "analyst",
                    {},
                )
            ]
        )
        uow.commit()
    s = steps.record_step(
        app,
        DHS,
        steps.Determine(
            country="KH", on=date(2030, 12, 1), title="Cambodia 2030", assessments=["as-9"]
        ),
    )
    steps.record_step(app, DHS, steps.Notify(sanction_id=s.id, on=date(2030, 12, 2)))
    measure = {
        "effect": "discontinue",
        "summary": "B visas for KH-MOI staff",
        "classes": ["B1", "B2"],
        "who": {"employers": ["KH-MOI"]},
        "citation": "INA 243(d)",
    }
    return steps.record_step(
        app, STATE, steps.Order(sanction_id=s.id, on=date(2031, 1, 1), measures=[measure])
    )


def test_after_a_lift_the_discontinued_applications_come_back_as_a_queue(
    db_app: App, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [
            ["M1", "KH", "B2", "2031-02-01", "KH", "KH-MOI", "", "", "", "", "", "", ""],
            ["M2", "KH", "B2", "2031-02-01", "KH", "KH-MOI", "minister", "", "", "", "", "", ""],
            ["M3", "KH", "B2", "2031-02-01", "KH", "KH-MFA", "minister", "", "", "", "", "", ""],
        ],
    )
    sanction = _order_on_moi(db_app)
    single = {
        "application_id": "S1",
        "nationality": "KH",
        "visa_class": "B1",
        "decision_date": "2031-03-01",
        "post_country": "KH",
        "employer": "KH-MOI",
    }
    screen_one(db_app, OFFICER, ScreeningRequest(inputs=single))
    summary = screen_file(db_app, OFFICER, source=source, target=tmp_path / "out.csv")
    assert summary.by_decision["discontinued"] == 3
    assert resumed(db_app, sanction.id, as_of=date(2031, 6, 1)) == []
    steps.record_step(
        db_app, DHS, steps.NotifyCompliance(sanction_id=sanction.id, on=date(2031, 5, 1))
    )
    steps.record_step(
        db_app,
        STATE,
        steps.Lift(sanction_id=sanction.id, on=date(2031, 5, 2), effective=date(2031, 5, 15)),
    )
    assert resumed(db_app, sanction.id, as_of=date(2031, 5, 14)) == []
    queue = resumed(db_app, sanction.id, as_of=date(2031, 6, 1))
    assert sorted(q.application_id for q in queue) == ["M1", "M2", "S1"]
    assert {q.resumed_on for q in queue} == {date(2031, 5, 15)}
    assert "M3" not in {q.application_id for q in queue}, "still held by KH-2017-1"


def test_the_resumed_queue_and_replays_show_an_officer_only_what_they_screened(
    db_app: App, tmp_path: Path
) -> None:
    other = Actor("officer-2", "consular_officer")
    source = write_csv(
        tmp_path / "in.csv",
        [["M1", "KH", "B2", "2031-02-01", "KH", "KH-MOI", "", "", "", "", "", "", ""]],
    )
    sanction = _order_on_moi(db_app)
    single = {
        "application_id": "S2",
        "nationality": "KH",
        "visa_class": "B1",
        "decision_date": "2031-03-01",
        "post_country": "KH",
        "employer": "KH-MOI",
    }
    theirs = screen_one(db_app, other, ScreeningRequest(inputs=single))
    summary = screen_file(db_app, OFFICER, source=source, target=tmp_path / "out.csv")
    steps.record_step(
        db_app, DHS, steps.NotifyCompliance(sanction_id=sanction.id, on=date(2031, 5, 1))
    )
    steps.record_step(
        db_app,
        STATE,
        steps.Lift(sanction_id=sanction.id, on=date(2031, 5, 2), effective=date(2031, 5, 15)),
    )
    day = date(2031, 6, 1)

    def queue(actor: Actor) -> list[str]:
        return sorted(q.application_id for q in resumed_as(db_app, actor, sanction.id, day))

    assert queue(OFFICER) == ["M1"] and queue(other) == ["S2"]
    assert queue(STATE) == ["M1", "S2"]  # the visa authority sees every officer's (read_all)
    assert queue(Actor("analyst", "analyst")) == []
    row = f"{summary.batch_id}:1"
    with pytest.raises(NotFound) as hidden:
        replay_as(db_app, other, row)
    with pytest.raises(NotFound) as missing:
        replay_as(db_app, other, "b-0000000000000000:1")
    assert hidden.value.message.replace(row, "?") == missing.value.message.replace(
        "b-0000000000000000:1", "?"
    )
    with pytest.raises(NotFound):
        replay_as(db_app, OFFICER, theirs.decision_id)
    with pytest.raises(NotFound):
        letter(db_app, OFFICER, theirs.decision_id)
    assert replay_as(db_app, STATE, theirs.decision_id).then.decision == "discontinued"


def test_a_decision_on_an_unreadable_date_is_refused_for_replay_and_letter_saying_why(
    db_app: App,
) -> None:
    inputs = {"nationality": "KH", "visa_class": "B1", "post_country": "KH"}
    for bad in ("2022-02-30", "01/03/2022"):
        made = screen_one(
            db_app, OFFICER, ScreeningRequest(inputs={**inputs, "decision_date": bad})
        )
        assert made.decision.decision == "invalid"
        for attempt in (replay_as, letter):
            with pytest.raises(InvalidInput, match="is not a date") as refused:
                attempt(db_app, OFFICER, made.decision_id)
            assert refused.value.details["decision_date"] == bad


def test_the_same_file_uploaded_twice_lists_each_application_once_in_the_resumed_queue(
    db_app: App, tmp_path: Path
) -> None:
    rows = [["M1", "KH", "B2", "2031-02-01", "KH", "KH-MOI", "", "", "", "", "", "", ""]]
    source = write_csv(tmp_path / "in.csv", rows)
    sanction = _order_on_moi(db_app)
    screen_file(db_app, OFFICER, source=source, target=tmp_path / "out1.csv")
    last = screen_file(db_app, OFFICER, source=source, target=tmp_path / "out2.csv")
    steps.record_step(
        db_app, DHS, steps.NotifyCompliance(sanction_id=sanction.id, on=date(2031, 5, 1))
    )
    steps.record_step(
        db_app,
        STATE,
        steps.Lift(sanction_id=sanction.id, on=date(2031, 5, 2), effective=date(2031, 5, 15)),
    )
    queue = resumed(db_app, sanction.id, as_of=date(2031, 6, 1))
    assert [q.application_id for q in queue] == ["M1"]
    assert queue[0].decision_id == f"{last.batch_id}:1", "the latest decision is kept"
    assert queue[0].times_held == 2
