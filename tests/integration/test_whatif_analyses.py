"""Recorded what-if analyses on SQLite and PostgreSQL: kept once, listed newest first, beside
the ledger (its head does not move)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from readmit.domain.errors import NotFound
from readmit.services.cases.commands import NewCase, open_case
from readmit.services.context import Actor, App
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.services.whatif.recorded import keep_analysis, list_analyses, recorded_analysis

ANALYST = Actor("ana", "analyst")
REQUEST = WhatIfRequest(start=date(2020, 1, 1), end=date(2020, 12, 31), runs=100, horizon=12)


def head(app: App) -> tuple[object, ...]:
    with app.uow(write=False) as uow:
        return tuple(uow.conn.execute(text("SELECT seq, hash FROM ledger_head")).one())


@pytest.mark.postgres
def test_an_analysis_is_kept_once_and_listed_without_moving_the_ledger(db_app: App) -> None:
    open_case(
        db_app,
        Actor("setup", "admin"),
        new=NewCase("K1", "KH", date(2020, 1, 1), False, "detained"),
    )
    open_case(
        db_app,
        Actor("setup", "admin"),
        new=NewCase("L1", "LA", date(2020, 2, 1), False, "detained"),
    )
    before = head(db_app)
    kh, la = forecast(db_app, "KH", REQUEST), forecast(db_app, "LA", REQUEST)
    first = keep_analysis(db_app, ANALYST, kh)
    assert first.created and not keep_analysis(db_app, Actor("other", "admin"), kh).created
    assert keep_analysis(db_app, ANALYST, la).created
    assert head(db_app) == before
    listed = list_analyses(db_app)
    assert len(listed) == 2 and "result" not in listed[0]
    assert [a["country"] for a in list_analyses(db_app, country="KH")] == ["KH"]
    found = recorded_analysis(db_app, first.id)
    assert found["actor"] == "ana" and found["result"] == kh
    with pytest.raises(NotFound, match="no recorded what-if analysis"):
        recorded_analysis(db_app, "0" * 64)
