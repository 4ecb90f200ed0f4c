from datetime import date

import pytest

from readmit.domain.errors import Conflict, IllegalTransition
from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.context import Actor, App
from readmit.services.ops.audit import verify_ledger
from readmit.services.ops.maintenance import rebuild

OFFICER = Actor("officer", "case_officer")


def test_a_case_moves_and_the_chain_verifies(db_app: App) -> None:
    open_case(db_app, OFFICER, new=NewCase("A1", "KH", date(2020, 1, 1), True, "detained"))
    case = record_case_event(
        db_app, OFFICER, CaseEvent(case_id="A1", event="presented", on=date(2020, 2, 1))
    )
    assert case.state == "presented" and case.version == 2
    with pytest.raises(IllegalTransition, match="allowed next events"):
        record_case_event(
            db_app, OFFICER, CaseEvent(case_id="A1", event="removed", on=date(2020, 3, 1))
        )
    late = CaseEvent(
        case_id="A1", event="interview_scheduled", on=date(2020, 3, 1), expected_version=1
    )
    with pytest.raises(Conflict):
        record_case_event(db_app, OFFICER, late)
    assert verify_ledger(db_app).ok
    with db_app.uow(write=False) as uow:
        recorded = uow.ledger.count()  # the case's two events and the policy pack's history
    assert rebuild(db_app) == recorded
