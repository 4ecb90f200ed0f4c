"""`readmit audit verify` holds the counts the pages read against the facts they come from."""

from __future__ import annotations

from datetime import date as D

from sqlalchemy import text

from coop_builder import Ledger
from readmit.services.context import App
from readmit.services.ops import audit
from readmit.services.ops.maintenance import rebuild


def _history(app: App) -> None:
    ledger = Ledger(app).flight("FR", "KH", D(2021, 2, 15)).case("R", "KH", D(2021, 1, 5))
    for kind, on, payload in (
        ("presented", D(2021, 1, 10), {}),
        ("nationality_confirmed", D(2021, 1, 20), {}),
        ("document_issued", D(2021, 1, 25), {"document_expires_on": "2021-03-01"}),
        ("manifested", D(2021, 2, 15), {"flight_id": "FR"}),
        ("removed", D(2021, 2, 20), {}),
    ):
        ledger.add(kind, "R", on, on, **payload)
    ledger.case("S", "KH", D(2021, 4, 1)).commit()


def _sql(app: App, statement: str) -> None:
    with app.engine.begin() as conn:
        conn.execute(text(statement))


def test_a_count_changed_in_the_database_fails_the_verification_naming_it(db_app: App) -> None:
    _history(db_app)
    assert audit.verify_ledger(db_app).ok
    _sql(db_app, "UPDATE coop_backlog_days SET n = n + 5 WHERE country = 'KH'")
    _sql(db_app, "UPDATE coop_facts SET used_seq = NULL WHERE used_seq IS NOT NULL")
    result = audit.verify_ledger(db_app)
    assert not result.ok and result.reason.startswith("coop_backlog_days KH"), result.reason
    problems = {p["check"] for p in result.record_problems}
    subjects = [p["subject"].split()[0] for p in result.record_problems]
    assert problems == {"aggregates"} and "coop_facts" in subjects, result.record_problems
    assert "readmit db rebuild" in result.reason
    rebuild(db_app)
    assert audit.verify_ledger(db_app).ok
