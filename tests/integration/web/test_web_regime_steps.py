"""A regime's own steps on the dashboard: the sanction page offers the next steps of its
lifecycle that the viewer's role takes, each form asking what the step's rule needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import seed

from readmit.services.context import Actor, App
from readmit.services.ops.maintenance import upgrade
from readmit.services.sanctions import registry, steps

EU = "eu_visa_code_25a"
COMMISSION = Actor("dhs", "determining_authority")


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[App]:
    """The seeded store with the EU's regime in its registry and a proposal awaiting the
    Council (recorded live)."""
    root = request.config.pluginmanager.get_plugin(
        str(Path(__file__).resolve().parents[2] / "conftest.py")
    )
    folder = tmp_path_factory.mktemp("regime-steps")
    app: App = root.make_app(f"sqlite:///{folder / 'r.db'}", folder / "keys")  # type: ignore[union-attr]
    app.settings.registry_packs = [EU]
    upgrade(app)
    seed(app)
    proposal = steps.TakeStep(
        kind="proposal",
        pack=EU,
        country="PK",
        title="Visa measures for Pakistan (test)",
        on=date(2026, 1, 12),
        sources=["a Commission proposal (test)"],
    )
    steps.record_step(app, COMMISSION, proposal)
    yield app
    app.engine.dispose()


def _token(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_council_sees_its_adoption_form_and_the_commission_does_not(
    client_as: Callable[[str | None], TestClient],
) -> None:
    council = client_as("state").get("/sanctions/PK-2026").text
    assert 'action="/sanctions/PK-2026/steps/adoption"' in council
    assert "Record: adoption" in council and 'name="parameters"' in council
    assert 'value="Regulation (EC) No 810/2009 (Visa Code), Art. 25a"' in council  # its regime's
    assert "INA 243(d)" not in council
    commission = client_as("dhs").get("/sanctions/PK-2026").text
    assert "steps/adoption" not in commission  # the Council's alone
    posted = client_as("dhs").post(
        "/sanctions/PK-2026/steps/adoption",
        data={"csrf_token": _token(commission), "on": "2026-02-02", "confirm": "yes"},
    )
    assert posted.status_code == 403


def test_an_adoption_posted_from_its_form_puts_the_parametric_measure_in_force(
    client_as: Callable[[str | None], TestClient], seeded: App
) -> None:
    council = client_as("state")
    page = council.get("/sanctions/PK-2026").text
    bad = {
        "csrf_token": _token(page),
        "on": "2026-02-02",
        "effective": "2026-03-01",
        "effect": "restrict",
        "classes": "C",
        "everyone": "1",
        "parameters": "decision days 45",
        "citation": "Visa Code Art. 25a(5)(a)",
        "confirm": "yes",
    }
    refused = council.post("/sanctions/PK-2026/steps/adoption", data=bad)
    assert refused.status_code == 400 and "parameters, line 1" in refused.text
    good = {**bad, "parameters": "decision_time_extended: decision_days=45 days"}
    done = council.post("/sanctions/PK-2026/steps/adoption", data=good, follow_redirects=False)
    assert done.status_code == 303, done.text
    shown = registry.show_sanction(seeded, "PK-2026")
    assert shown.summary.status == "in_force"
    (measure,) = shown.sanction.current_measures()
    assert measure.restriction_items(date(2026, 3, 10))[0]["value"] == 45
    after = council.get("/sanctions/PK-2026").text
    assert "steps/adoption" not in after  # the proposal is used up
