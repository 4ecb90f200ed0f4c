"""One rule, two engines: the scalar and vectorised paths agree on generated measures and rows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readmit.batch.screening import build_engine, screen_frame
from readmit.batch.screening_polars import col
from readmit.domain.sanctions import Measure, Who
from readmit.domain.screening import INPUT_COLUMNS, decide
from readmit.domain.screening_compile import OUTPUTS, compile_program
from readmit.domain.screening_rules import add_years
from readmit.packs import load_pack

POLICY = load_pack().policy
TODAY = date(2024, 6, 1)
COUNTRIES = ["KH", "GH", "ER"]
CLASSES = ["B1", "B2", "B1/B2", "F1", "A3", "G5", "IR1", "A1"]
ORGS = {
    "KH": ["KH-GOV", "KH-MFA", "KH-MOI"],
    "GH": ["GH-EXEC", "GH-LEG", "GH-GOV"],
    "ER": ["ER-GOV"],
}
RANKS = ["minister", "director_general", "director", "staff", "senior_minister"]
DAYS = [date(2020, 1, 1), date(2020, 2, 29), date(2021, 6, 15), date(2022, 3, 1), None]


def dates() -> st.SearchStrategy[date]:
    return st.dates(date(2019, 1, 1), date(2023, 12, 31))


@st.composite
def measures(draw: st.DrawFn, index: int) -> Measure:
    country = draw(st.sampled_from(COUNTRIES))
    start = draw(dates())
    known_start = draw(st.booleans())
    end = draw(st.none() | st.integers(1, 900).map(lambda n: start + timedelta(days=n)))
    end_unknown = end is None and draw(st.booleans())
    classes = draw(
        st.none()
        | st.lists(
            st.sampled_from([*CLASSES, "nonimmigrant", "immigrant"]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    who = draw(st.none() | st.builds(lambda: Who(everyone=True)) | _who(country))
    effect = draw(st.sampled_from(["discontinue", "restrict"]))
    return Measure(
        id=f"{country}-2020-{index}",
        sanction_id=f"{country}-2020",
        country=country,
        effect=effect,
        summary="generated",
        classes=tuple(classes) if classes is not None else None,
        who=who,
        persons=tuple(
            draw(st.lists(st.sampled_from(["nationals", "residents"]), min_size=1, unique=True))
        ),
        uncertain_classes=tuple(draw(st.lists(st.sampled_from(CLASSES), max_size=2, unique=True))),
        exempt_classes=tuple(draw(st.lists(st.sampled_from(CLASSES), max_size=2, unique=True))),
        restrictions={"validity_months": 1, "entries": "single"} if effect == "restrict" else {},
        exceptions_allowed=draw(st.booleans()),
        valid_from=start if known_start else None,
        first_known_on=None if known_start else start,
        valid_to=end,
        end_unknown=end_unknown,
        ended_by=start + timedelta(days=400) if end_unknown else None,
        citation=draw(st.sampled_from(["INA 243(d)", "INA 243(d); 22 CFR 41.123", ""])),
        # A verification proves the measure in force that day (docs/policy-packs.md).
        last_verified_on=draw(
            st.none() | st.integers(-30, 700).map(lambda n: start + timedelta(days=n))
        ),
    )


def _who(country: str) -> st.SearchStrategy[Who]:
    return st.builds(
        lambda employers, min_rank, family, under, staff: Who(
            employers=tuple(employers),
            min_rank=min_rank,
            family=tuple(family),
            child_under=under if "child" in family else None,
            domestic_staff=staff,
        ),
        st.lists(st.sampled_from(ORGS[country]), min_size=1, max_size=2, unique=True),
        st.none() | st.sampled_from(["minister", "director_general", "director"]),
        st.lists(st.sampled_from(["spouse", "child"]), unique=True),
        st.none() | st.sampled_from([18, 21]),
        st.booleans(),
    )


TEXT = {
    "application_id": ["", "A-1", " A 2 "],
    "nationality": ["KH", "GH", "ER", "KH", "GH", "ER", "kh", " ER ", "XX", "", "GB"],
    "visa_class": [*CLASSES, "b1/b2", " F1", "Z9", "", "DV1"],
    "decision_date": [
        "2020-02-29",
        "2021-06-15",
        "2022-03-01",
        "2019-01-01",
        "",
        "2021-02-30",
        "2021-1-5",
        "0000-01-01",
        "soon",
        "2021- 1-05",
        "02021-1-05",
        "+202-01-01",
        "2021-01- 5",
        "20211-1-05",
    ],
    "post_country": ["KH", "GH", "ER", "KH", "GH", "ER", "TH", "gh", "", "ZZ"],
    "employer": [
        "",
        "KH-MFA",
        "KH-MFA-CONS",
        "KH-XYZ",
        "kh-moi",
        "GH-MFA",
        "GH-LEG",
        "ACME",
        "ER-GOV",
        "GH-GOV",
    ],
    "rank": ["", *RANKS, "boss", "Director_General"],
    "relationship": ["", "self", "spouse", "child", "employee", "other", "Spouse", "friend"],
    "principal_employer": ["", "KH-MFA", "GH-EXEC", "GH-QQ", "ER-GOV", "ACME"],
    "principal_rank": ["", *RANKS, "chief"],
    "date_of_birth": [
        "",
        "2000-02-29",
        "2003-06-15",
        "1990-01-01",
        "2010-03-01",
        "2001-13-01",
        "x",
    ],
    "approved_exception": ["", "true", "FALSE", "yes", "True"],
    "application_date": ["", "2020-01-01", "bad"],
    "residence": ["", "ER", "KH", "gh", "XX"],
    "other_nationalities": ["", "ER", "gb; er", "XX;ER", ";KH;", "G H"],
    "exception_reference": ["", "REF-1"],
}


def applications() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: st.sampled_from(values) for name, values in TEXT.items()})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    count=st.integers(0, 4),
    rows=st.lists(applications(), min_size=1, max_size=40),
    as_of=st.none() | st.sampled_from([d for d in DAYS if d]),
)
def test_scalar_and_vectorised_screening_agree(
    data: st.DataObject, count: int, rows: list[dict[str, Any]], as_of: date | None
) -> None:
    generated = [data.draw(measures(i)) for i in range(count)]
    rng = data.draw(st.randoms(use_true_random=False))
    for measure in generated:
        for _ in range(8):
            row = covered(measure, rng)
            for name in rng.sample(sorted(TEXT), rng.choice([0, 1, 2])):
                row[name] = rng.choice(TEXT[name])
            rows.append(row)
    engine = build_engine(generated, POLICY)
    program = engine.full
    frame = pl.DataFrame(rows, schema={c: pl.String for c in INPUT_COLUMNS})
    screened = screen_frame(frame, engine, as_of, TODAY)
    names = [*OUTPUTS, "holding", "restricting"]
    vectorised = screened.select([col(n) for n in names]).rows()
    for row, got in zip(rows, vectorised, strict=True):
        d = decide(program, row, as_of, TODAY)
        expected = (
            *d.outputs().values(),
            ";".join(d.holding) or None,
            ";".join(d.restricting) or None,
        )
        if d.decision == "invalid":
            got = (*got[:5], None, None)
        assert got == expected, f"row {row}"


def test_no_measure_applies_outside_its_validity_window() -> None:
    measure = Measure(
        id="KH-2020-1",
        sanction_id="KH-2020",
        country="KH",
        effect="discontinue",
        summary="s",
        classes=("B1",),
        who=Who(everyone=True),
        valid_from=date(2020, 1, 1),
        valid_to=date(2020, 2, 1),
    )
    program = compile_program([measure], POLICY)
    base = {"nationality": "KH", "visa_class": "B1", "post_country": "KH"}
    decided = {
        day: decide(program, {**base, "decision_date": day}, None, TODAY).decision
        for day in ("2019-12-31", "2020-01-01", "2020-01-31", "2020-02-01")
    }
    assert decided == {
        "2019-12-31": "not_affected",
        "2020-01-01": "discontinued",
        "2020-01-31": "discontinued",
        "2020-02-01": "not_affected",
    }


def test_both_engines_agree_on_a_grid_of_edge_cases_under_the_us_pack() -> None:
    pack = load_pack()
    every = [m for h in pack.sanctions for m in h.sanction.measures.values()]
    engine = build_engine(every, POLICY)
    program = engine.full
    rng = random.Random(243)
    countries = ["KH", "GH", "LA", "SL", "BI", "GY", "PK", "MM", "ER", "GN", "GM", "TH"]
    pools = {
        **TEXT,
        "nationality": countries,
        "post_country": countries,
        "employer": ["", *sorted(POLICY.organisations.organisations), "KH-XYZ", "ACME"],
        "principal_employer": ["", *sorted(POLICY.organisations.organisations), "GH-QQ"],
        "decision_date": [
            d.isoformat()
            for m in every
            for d in (m.starts, m.valid_to, m.ended_by)
            if d is not None
        ]
        + ["", "2021-02-30"],
        "date_of_birth": ["", "1998-06-01", "1998-06-02", "2000-02-29", "1990-01-01"],
    }
    rows = [{k: rng.choice(v) for k, v in pools.items()} for _ in range(1000)]
    for measure in every:
        for _ in range(150):
            row = covered(measure, rng)
            for name in rng.sample(sorted(pools), rng.choice([0, 1, 1, 2])):
                row[name] = rng.choice(pools[name])
            rows.append(row)
    frame = pl.DataFrame(rows, schema={c: pl.String for c in INPUT_COLUMNS})
    screened = screen_frame(frame, engine, None, TODAY).select([col(n) for n in OUTPUTS]).rows()
    for row, got in zip(rows, screened, strict=True):
        assert got == tuple(decide(program, row, None, TODAY).outputs().values()), f"row {row}"


def covered(m: Measure, rng: random.Random) -> dict[str, str]:
    """An application the measure covers, on a random day of its validity (or a boundary)."""
    classes = sorted(POLICY.visa_classes.expand(m.classes or ["B1"]))
    start = m.starts or date(2020, 1, 1)
    end = m.valid_to or m.ended_by or date(2024, 1, 1)
    day = rng.choice([start, end, start + (end - start) / 2, end - timedelta(days=1)])
    row = {name: "" for name in INPUT_COLUMNS}
    row.update(nationality=m.country, post_country=m.country, visa_class=rng.choice(classes))
    row["decision_date"] = day.isoformat()
    who = m.who
    if who is not None and not who.everyone:
        relation = rng.choice(["self", *who.family, *(["employee"] if who.domestic_staff else [])])
        employer = rng.choice(who.employers)
        rank = who.min_rank or "staff"
        if relation == "self":
            row.update(employer=employer, rank=rank)
        else:
            row.update(relationship=relation, principal_employer=employer, principal_rank=rank)
        if relation == "child" and who.child_under:
            years = who.child_under + rng.choice([-1, 0, 0])
            born = add_years(day, -years) + timedelta(days=rng.choice([-1, 0, 1]))
            row["date_of_birth"] = born.isoformat()
    return row
