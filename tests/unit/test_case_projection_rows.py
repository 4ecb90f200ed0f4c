"""The case projection's hot path reads a case as its plain path does.

``_load`` builds a case from a row's values directly rather than through ``case_from_row``: it
must give the very same case, whatever the case holds.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import create_engine

from readmit.domain.cases import Case, State
from readmit.store.bulk import insert_rows
from readmit.store.case_projection import CASE_COLUMNS, _Entry, _load, _row, case_from_row
from readmit.store.dates import as_date
from readmit.store.schema import cases

PLAIN = Case(
    case_id="C1",
    nationality="KH",
    final_order_date=date(2020, 1, 2),
    criminal=False,
    custody="detained",
)
CASES = [
    PLAIN,
    dataclasses.replace(
        PLAIN,
        case_id="C2",
        criminal=True,
        state=State.MANIFESTED,
        prior_state=State.DOCUMENT_ISSUED,
        destination="KH",
        document_expires_on=date(2021, 3, 4),
        flight_id="F1",
        disputed_by=frozenset({"LA", "KH"}),
        version=7,
    ),
    dataclasses.replace(
        PLAIN, case_id="C3", custody="released", disputed_by=frozenset({"SL"}), version=2
    ),
]


def _entries() -> list[_Entry]:
    return [
        _Entry(case, {"country_of_birth": birth, "entry_age": age, "opened_seq": 10 + i}, 20 + i)
        for i, (case, birth, age) in enumerate(
            zip(CASES, (None, "TH", "SL"), (None, 17, 40), strict=True)
        )
    ]


def test_a_case_read_back_is_the_case_written_and_the_one_case_from_row_builds() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        cases.create(conn)
        entries = _entries()
        insert_rows(conn, cases, CASE_COLUMNS, [_row(e) for e in entries])
        found = _load(conn, {e.case.case_id for e in entries} | {"no such case"})
        assert sorted(found) == ["C1", "C2", "C3"]
        for entry in entries:
            loaded = found[entry.case.case_id]
            assert loaded.case == entry.case
            assert loaded.extra == entry.extra
            assert loaded.last_seq == entry.last_seq
            values = dict(zip(CASE_COLUMNS, _row(entry), strict=True))
            values["final_order_date"] = as_date(values["final_order_date"])
            values["document_expires_on"] = as_date(values["document_expires_on"])
            assert loaded.case == case_from_row(values)
