"""Work the batch path shares must not change an answer.

A stage's repeated sub-expressions are computed once (``screening_plan``), and the values of each
field are decided once per run rather than once per chunk (``screening_triage``): a program
planned so answers as the program does, and a file screened in many chunks as in one. Under
measures that follow the person, a row no measure can reach runs the reading checks only: it
gets the answer the whole program gives it.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from readmit.batch import screening_files, screening_triage
from readmit.batch.screening import Engine, build_engine, screen_file, screen_frame
from readmit.batch.screening_plan import SHARED, plan
from readmit.batch.screening_polars import PREFIX, evaluate, prepare
from readmit.domain.screening import INPUT_COLUMNS
from readmit.domain.screening_rules import Case, Col, Eq, In, Lit, Program, Stage
from readmit.packs import load_pack

TODAY = date(2025, 1, 1)
# Readable and unreadable values of each field, as clerks and exports write them.
VALUES = {
    "application_id": ["A-1", " A 2 ", ""],
    "nationality": ["KH", "GH", "ER", "LA", "GM", "ET", "TH", "kh", " ER ", "XX", "", "K#"],
    "visa_class": ["B1", "B2", "B1/B2", "F1", "A3", "G5", "IR1", "b1/b2", "Z9", "", "C", "d", "A"],
    "decision_date": ["2018-02-01", "2020-02-29", "2023-06-15", "", "2021-02-30", "2021/01/05"],
    "post_country": ["KH", "GH", "ER", "LA", "GM", "TH", "MX", "gh", "", "ZZ", " la"],
    "employer": ["", "KH-MFA", "KH-GOV", "GH-EXEC", "LA-MPS", "ER-GOV", "ACME", "kh-moi"],
    "rank": ["", "minister", "director_general", "staff", "boss", "Minister"],
    "relationship": ["", "self", "spouse", "child", "employee", "friend", "Spouse"],
    "principal_employer": ["", "KH-MFA", "GH-EXEC", "LA-MPS", "ACME"],
    "principal_rank": ["", "minister", "director", "chief"],
    "date_of_birth": ["", "2000-02-29", "2010-03-01", "2001-13-01"],
    "approved_exception": ["", "true", "FALSE", "yes"],
    "application_date": ["", "2020-01-01", "2024-07-01", "bad"],
    "residence": ["", "ER", "KH", "gh", "XX"],
    "other_nationalities": ["", "ER", "gb; er", "XX;ER", ";KH;"],
    "passport_type": ["", "ordinary", "diplomatic", "Service", "red"],
    "family_of_eu_citizen": ["", "true", "false", "maybe"],
    "member_state": ["", "FR", "de", "XX"],
}

READABLE: dict[str | None, dict[str, list[str]]] = {
    None: {
        "nationality": ["KH", "GH", "TH"],
        "visa_class": ["B1", "F1", "A3"],
        "post_country": ["KH", "GH", "MX"],
        "decision_date": ["2020-02-29", "2023-06-15"],
    },
    "eu_visa_code_25a": {
        "nationality": ["GM", "ET", "TH"],
        "visa_class": ["C", "A"],
        "post_country": ["SN", "GM", "FR"],
        "decision_date": ["2022-02-01", "2024-07-01"],
        "passport_type": ["ordinary", "diplomatic"],
    },
}


def _engine(pack: str | None = None) -> Engine:
    loaded = load_pack(pack) if pack else load_pack()
    measures = sorted(
        (m for h in loaded.sanctions for m in h.sanction.measures.values()), key=lambda m: m.id
    )
    return build_engine(measures, loaded.policy)


def _rows(count: int, seed: int, columns: list[str]) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = [{c: rng.choice(VALUES.get(c, [""])) for c in columns} for _ in range(count)]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


def _programs(engine: Engine) -> list[Program]:
    return [engine.full, engine.reading_only, *(engine.by_country or {}).values()]


@pytest.mark.parametrize("pack", [None, "eu_visa_code_25a"])
def test_a_planned_program_answers_as_the_program_does(pack: str | None) -> None:
    engine = _engine(pack)
    frame = prepare(_rows(3000, 7, list(VALUES)), None, TODAY)
    for program in _programs(engine):
        expected = evaluate(frame, program)
        planned = frame
        for stage in engine.expressions(program):
            planned = planned.with_columns(stage)
        assert any(name.startswith(SHARED) for s in plan(program) for name, _e in s.columns)
        assert planned.drop(pl.selectors.starts_with(PREFIX + SHARED)).equals(expected)


def test_sharing_keeps_apart_literals_that_are_equal_but_of_other_types() -> None:
    # Lit(True) == Lit(1) as dataclasses; the one translates to a flag, the other to a number.
    kh = In(Col("nationality"), frozenset({"KH"}))
    program = Program(
        (
            Stage(
                (
                    ("number", Case(((Eq(Col("post_country"), Lit("KH")), Lit(1)),), Lit(0))),
                    ("flag", Case(((Eq(Col("post_country"), Lit("KH")), Lit(True)),), Lit(False))),
                    ("again", Case(((kh, Lit("a")),), Case(((kh, Lit("b")),), Lit(None)))),
                )
            ),
        )
    )
    engine = Engine(program, program, ())
    frame = prepare(_rows(50, 3, ["nationality", "post_country"]), None, TODAY)
    planned = frame
    for stage in engine.expressions(program):
        planned = planned.with_columns(stage)
    expected = evaluate(frame, program)
    assert planned.select(expected.columns).equals(expected)
    assert planned.schema[PREFIX + "number"] != planned.schema[PREFIX + "flag"]


def _screen(
    tmp_path: Path, frame: pl.DataFrame, engine: Engine, name: str, as_of: date | None
) -> tuple[pl.DataFrame, object]:
    source, target = tmp_path / f"{name}-in.parquet", tmp_path / f"{name}-out.parquet"
    frame.write_parquet(source, row_group_size=40)
    result = screen_file(source, target, engine, "b-1", as_of, TODAY)
    return pl.read_parquet(target), result


@pytest.mark.parametrize("pack", [None, "eu_visa_code_25a"])
@pytest.mark.parametrize("as_of", [None, date(2021, 6, 1)])
def test_a_file_screened_in_many_chunks_answers_as_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pack: str | None, as_of: date | None
) -> None:
    engine = _engine(pack)
    columns = [c for c in INPUT_COLUMNS if c not in ("residence", "member_state")]
    # The first rows are readable; unreadable values first turn up in later chunks.
    rng = random.Random(11)
    first = [{c: rng.choice(READABLE[pack].get(c, [""])) for c in columns} for _ in range(120)]
    frame = pl.concat(
        [pl.DataFrame(first, schema=dict.fromkeys(columns, pl.String)), _rows(600, 5, columns)]
    )
    whole, in_one = _screen(tmp_path, frame, engine, "one", as_of)
    monkeypatch.setattr(screening_files, "CHUNK_ROWS", 40)
    chunked, in_many = _screen(tmp_path, frame, engine, "many", as_of)
    assert chunked.equals(whole)
    assert in_many == in_one
    # A field with more values than a run keeps starts again; the answers stay the same.
    monkeypatch.setattr(screening_triage, "_MOST_VALUES", 3)
    again, in_many_again = _screen(tmp_path, frame, engine, "again", as_of)
    assert again.equals(whole)
    assert in_many_again == in_one
    assert (whole["decision"] == "invalid").any() and (whole["decision"] != "invalid").any()


@pytest.mark.parametrize("as_of", [None, date(2024, 7, 1)])
def test_rows_no_measure_can_reach_get_the_whole_programs_answer(as_of: date | None) -> None:
    engine = _engine("eu_visa_code_25a")
    rng, readable = random.Random(13), READABLE["eu_visa_code_25a"]
    clean = [{c: rng.choice(readable.get(c, [""])) for c in VALUES} for _ in range(2000)]
    frame = pl.concat(
        [
            pl.DataFrame(clean, schema=dict.fromkeys(VALUES, pl.String)),
            _rows(2000, 13, list(VALUES)),
        ]
    )
    whole = evaluate(prepare(frame, as_of, TODAY), engine.full)
    screened = screen_frame(frame, engine, as_of, TODAY)
    answers = ["decision", "measures", "reasons", "citations", "restrictions"]
    expected = whole.select(pl.col(PREFIX + a).cast(pl.String).alias(a) for a in answers)
    got = screened.select(pl.col(PREFIX + a).cast(pl.String).alias(a) for a in answers)
    assert got.equals(expected)
    # Unreadable rows a measure cannot reach, and rows it reaches, were both screened.
    unreached = ~frame["nationality"].is_in(["GM", "ET"]) & (frame["other_nationalities"] == "")
    assert (got.filter(unreached)["decision"] == "invalid").sum() > 100
    assert (got["measures"] != "").sum() > 300
