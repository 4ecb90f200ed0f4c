"""Single decisions under load: group-committed logging, and rules that follow the ledger."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from test_screening_service import OFFICER, _order_on_moi

from readmit.services.context import App, bootstrap
from readmit.services.screening.engine import ScreeningRequest
from readmit.services.screening.replay import replay
from readmit.services.screening.single import screen_one
from readmit.store.sanctions_schema import decision_holds, decisions

MOI_OFFICIAL = {
    "application_id": "S1",
    "nationality": "KH",
    "visa_class": "B1",
    "decision_date": "2031-03-01",
    "post_country": "KH",
    "employer": "KH-MOI",
}


def _another_process(app: App) -> App:
    """An application on the same store, as another worker or the command line would be."""
    return bootstrap(app.settings.model_copy())


def test_concurrent_decisions_are_each_logged_once_before_they_are_answered(db_app: App) -> None:
    applications = [
        {**MOI_OFFICIAL, "application_id": f"A{i}", "visa_class": ("B1", "F1")[i % 2]}
        for i in range(60)
    ]
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(
            pool.map(
                lambda a: screen_one(db_app, OFFICER, ScreeningRequest(inputs=a)), applications
            )
        )
    ids = {r.decision_id for r in results}
    with db_app.uow(write=False) as uow:
        logged = set(uow.conn.execute(select(decisions.c.decision_id)).scalars())
        head = uow.ledger.head()[0]
        seqs = set(uow.conn.execute(select(decisions.c.ledger_seq)).scalars())
    assert len(ids) == 60 and logged == ids, "every answer was logged, once"
    assert seqs == {head}
    replayed = replay(db_app, results[7].decision_id)
    assert replayed.unchanged and replayed.then.decision == results[7].decision.decision


def test_a_decision_after_another_process_changed_the_ledger_follows_the_change(
    db_app: App,
) -> None:
    before = screen_one(db_app, OFFICER, ScreeningRequest(inputs=MOI_OFFICIAL))
    assert before.decision.decision == "not_affected"
    other = _another_process(db_app)
    _order_on_moi(other)  # a measure on KH-MOI staff, recorded by another process
    other.engine.dispose()

    after = screen_one(db_app, OFFICER, ScreeningRequest(inputs=MOI_OFFICIAL))
    assert after.decision.decision == "discontinued", "decided on the ledger as it is now"
    with db_app.uow(write=False) as uow:
        head = uow.ledger.head()[0]
        row = uow.conn.execute(
            select(decisions.c.ledger_seq).where(decisions.c.decision_id == after.decision_id)
        ).one()
        held = uow.conn.execute(select(func.count()).select_from(decision_holds)).scalar_one()
    assert row.ledger_seq == head and held == 1
    assert replay(db_app, after.decision_id).unchanged
