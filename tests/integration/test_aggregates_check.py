"""`readmit audit verify` holds the counts the pages read against the facts they come from."""

from __future__ import annotations

from sqlalchemy import text
from test_backlog_days import _removed_case

from readmit.services.context import App
from readmit.services.ops import audit
from readmit.services.ops.maintenance import rebuild


def _sql(app: App, statement: str) -> None:
    with app.engine.begin() as conn:
        conn.execute(text(statement))


def test_a_count_changed_in_the_database_fails_the_verification_naming_it(db_app: App) -> None:
    _removed_case(db_app)  # a document used by a manifest, a removal, a later case
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
