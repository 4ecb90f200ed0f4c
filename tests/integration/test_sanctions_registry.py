"""The registry in the ledger: pack history loaded idempotently; the lifecycle's rules."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import IllegalTransition, InvalidInput, NotFound, SeparationOfDuties
from readmit.domain.events import NewEvent
from readmit.packs import PACKS_DIR
from readmit.services.context import Actor, App
from readmit.services.ops.audit import verify_ledger
from readmit.services.ops.maintenance import rebuild, upgrade
from readmit.services.sanctions import registry, steps

DHS = Actor("dhs", "determining_authority")
STATE = Actor("state", "visa_authority")
MEASURE = {
    "id": "KH-2030-1",
    "effect": "discontinue",
    "summary": "B visas for KH-MOI officials",
    "classes": ["B1", "B2", "B1/B2"],
    "who": {"employers": ["KH-MOI"]},
    "citation": "INA 243(d)",
}


def record_assessment(app: App, assessment_id: str) -> None:
    with app.uow() as uow:
        uow.record(
            [
                NewEvent(
                    "assessment_recorded",
                    "assessment",
                    assessment_id,
                    date(2030, 1, 1),
                    "analyst",
                    "analyst",
                    {},
                )
            ]
        )
        uow.commit()


def test_upgrade_loads_the_pack_once_and_a_second_run_adds_nothing(db_app: App) -> None:
    with db_app.uow(write=False) as uow:
        first = uow.ledger.count()
    report = upgrade(db_app)
    with db_app.uow(write=False) as uow:
        assert uow.ledger.count() == first
    assert (report.added, report.revised, report.voided) == (0, 0, 0)
    assert first > 40
    assert verify_ledger(db_app).ok


def test_a_changed_pack_adds_only_what_changed(db_app: App, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACKS_DIR / "us_ina_243d", pack)
    path = pack / "sanctions" / "KH-2017.yaml"
    text = path.read_text().replace("date: 2022-11-22", "date: 2022-11-23")
    path.write_text(text.replace("Phnom Penh on 22 November", "Phnom Penh on 23 November"))
    db_app.settings.pack = str(pack)
    report = upgrade(db_app)
    assert (report.added, report.revised) == (0, 1)
    view = registry.show_sanction(db_app, "KH-2017")
    assert view.sanction.measures["KH-2017-1"].last_verified_on == date(2022, 11, 23)
    assert upgrade(db_app).revised == 0


def test_a_step_whose_date_alone_changed_is_revised(db_app: App, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACKS_DIR / "us_ina_243d", pack)
    path = pack / "sanctions" / "KH-2017.yaml"
    path.write_text(path.read_text().replace("date: 2022-11-22", "date: 2022-11-24", 1))
    db_app.settings.pack = str(pack)
    assert upgrade(db_app).revised == 1
    view = registry.show_sanction(db_app, "KH-2017")
    assert date(2022, 11, 24) in {step.on for step in view.sanction.steps}
    assert upgrade(db_app).revised == 0


def test_what_was_in_force_on_a_date_is_a_query(db_app: App) -> None:
    in_force = {v.measure.id for v in registry.measures_in_force(db_app, date(2020, 6, 1))}
    assert in_force == {
        "ER-2017-1",
        "KH-2017-1",
        "LA-2018-1",
        "LA-2018-2",
        "LA-2020-1",
        "MM-2018-1",
        "PK-2019-1",
        "SL-2017-1",
    }
    sierra_leone = {
        v.measure.id for v in registry.measures_in_force(db_app, date(2020, 10, 1), country="SL")
    }
    assert sierra_leone == {"SL-2017-1", "SL-2020-1"}


def test_the_registry_lists_sanctions_as_of_a_date_with_their_status(db_app: App) -> None:
    status = {s.id: s.status for s in registry.list_sanctions(db_app, date(2018, 1, 1))}
    assert status["GN-2017"] == "in_force" and status["GM-2016"] == "ended_date_unknown"
    assert "GH-2019" not in status
    today = {s.id: s for s in registry.list_sanctions(db_app)}
    assert today["GY-2001"].status == "lifted"
    assert today["LA-2018"].status == "partly_lifted"
    assert today["KH-2017"].stale, "in force and not verified for over a year"
    assert not today["GN-2017"].stale


def test_only_the_determining_authority_determines(db_app: App) -> None:
    record_assessment(db_app, "as-1")
    with pytest.raises(SeparationOfDuties):
        steps.record_step(
            db_app,
            STATE,
            steps.Determine(country="KH", on=date(2030, 2, 1), title="t", assessments=["as-1"]),
        )


def test_a_determination_cites_assessments_that_exist(db_app: App) -> None:
    with pytest.raises(NotFound, match="no assessment 'missing'"):
        steps.record_step(
            db_app,
            DHS,
            steps.Determine(country="KH", on=date(2030, 2, 1), title="t", assessments=["missing"]),
        )
    with pytest.raises(InvalidInput, match="one or more assessments"):
        steps.record_step(
            db_app,
            DHS,
            steps.Determine(country="KH", on=date(2030, 2, 1), title="t", assessments=[]),
        )


def test_the_whole_lifecycle_through_the_services(db_app: App) -> None:
    record_assessment(db_app, "as-1")
    s = steps.record_step(
        db_app,
        DHS,
        steps.Determine(
            country="KH", on=date(2030, 2, 1), title="Cambodia 2030", assessments=["as-1"]
        ),
    )
    assert s.id == "KH-2030"
    with pytest.raises(IllegalTransition, match="needs a prior notification"):
        steps.record_step(
            db_app, STATE, steps.Order(sanction_id=s.id, on=date(2030, 2, 2), measures=[MEASURE])
        )
    with pytest.raises(SeparationOfDuties):
        steps.record_step(db_app, STATE, steps.Notify(sanction_id=s.id, on=date(2030, 2, 2)))
    steps.record_step(db_app, DHS, steps.Notify(sanction_id=s.id, on=date(2030, 2, 2)))
    with pytest.raises(SeparationOfDuties):
        steps.record_step(
            db_app, DHS, steps.Order(sanction_id=s.id, on=date(2030, 2, 3), measures=[MEASURE])
        )
    steps.record_step(
        db_app,
        STATE,
        steps.Order(
            sanction_id=s.id, on=date(2030, 2, 3), measures=[MEASURE], effective=date(2030, 3, 1)
        ),
    )
    with pytest.raises(IllegalTransition, match="needs a prior compliance notification"):
        steps.record_step(db_app, STATE, steps.Lift(sanction_id=s.id, on=date(2030, 5, 1)))
    steps.record_step(
        db_app,
        STATE,
        steps.Amend(
            sanction_id=s.id,
            on=date(2030, 4, 1),
            adds=[{**MEASURE, "id": None, "who": {"employers": ["KH-MFA"]}}],
        ),
    )
    steps.record_step(db_app, DHS, steps.NotifyCompliance(sanction_id=s.id, on=date(2030, 6, 1)))
    lifted = steps.record_step(
        db_app,
        STATE,
        steps.Lift(
            sanction_id=s.id, on=date(2030, 6, 2), ends=["KH-2030-1"], effective=date(2030, 6, 15)
        ),
    )
    assert lifted.measures["KH-2030-1"].valid_to == date(2030, 6, 15)
    assert lifted.measures["KH-2030-2"].valid_to is None
    assert lifted.status_on(date(2030, 7, 1)) == "partly_lifted"
    with pytest.raises(IllegalTransition):
        steps.record_step(db_app, STATE, steps.Lift(sanction_id=s.id, on=date(2030, 7, 1)))
    assert rebuild(db_app) > 0
    after = {
        v.measure.id for v in registry.measures_in_force(db_app, date(2030, 7, 1), country="KH")
    }
    assert after == {"KH-2017-1", "KH-2030-2"}


def test_a_bad_measure_is_refused_with_its_path(db_app: App) -> None:
    record_assessment(db_app, "as-1")
    s = steps.record_step(
        db_app,
        DHS,
        steps.Determine(country="KH", on=date(2030, 2, 1), title="t", assessments=["as-1"]),
    )
    steps.record_step(db_app, DHS, steps.Notify(sanction_id=s.id, on=date(2030, 2, 2)))
    with pytest.raises(InvalidInput, match=r"measures\[0\]\.classes\[0\]: Z9 is neither"):
        steps.record_step(
            db_app,
            STATE,
            steps.Order(
                sanction_id=s.id, on=date(2030, 2, 3), measures=[{**MEASURE, "classes": ["Z9"]}]
            ),
        )
    with pytest.raises(InvalidInput, match=r"measures\[0\]\.effect"):
        steps.record_step(
            db_app,
            STATE,
            steps.Order(
                sanction_id=s.id, on=date(2030, 2, 3), measures=[{**MEASURE, "effect": "ban"}]
            ),
        )
