"""The consular desk lets the officer choose the regime when the registry holds more than one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import seed

from readmit.services.context import App
from readmit.services.ops.maintenance import upgrade

EU, UK = "eu_visa_code_25a", "uk_naba_2022_s72"
BASICS = {
    "nationality": "GM",
    "post_country": "SN",
    "decision_date": "2023-11-20",
    "visa_class": "C",
}


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[App]:
    """The seeded store, its registry holding the three regimes."""
    root = request.config.pluginmanager.get_plugin(
        str(Path(__file__).resolve().parents[2] / "conftest.py")
    )
    folder = tmp_path_factory.mktemp("regimes")
    app: App = root.make_app(f"sqlite:///{folder / 'r.db'}", folder / "keys")  # type: ignore[union-attr]
    app.settings.registry_packs = [EU, UK]
    upgrade(app)
    seed(app)
    yield app
    app.engine.dispose()


def test_the_desk_offers_each_regime_and_asks_for_the_chosen_ones_inputs(
    client_as: Callable[[str | None], TestClient],
) -> None:
    consul = client_as("consul")
    page = consul.get("/screening", params=BASICS).text
    assert '<select name="pack">' in page
    assert f'<option value="{EU}">' in page and f'<option value="{UK}">' in page
    assert "family_of_eu_citizen" not in page  # the default regime reads no such field
    chosen = consul.get("/screening", params={**BASICS, "pack": EU}).text
    assert f'<option value="{EU}" selected>' in chosen
    assert 'name="family_of_eu_citizen"' in chosen and "Family member of an EU citizen" in chosen
    assert f'<input type="hidden" name="pack" value="{EU}">' in chosen


def test_a_decision_made_under_the_eu_regime_is_shown_under_it(
    client_as: Callable[[str | None], TestClient],
) -> None:
    consul = client_as("consul")
    form = consul.get("/screening", params={**BASICS, "pack": EU}).text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    posted = consul.post(
        "/screening",
        data={**BASICS, "pack": EU, "application_date": "2023-11-01", "csrf_token": token},
    )
    assert posted.status_code == 303, posted.text[:500]
    shown = consul.get(posted.headers["location"]).text
    assert "restricted" in shown and "GM-2021-1" in shown


def test_an_unknown_regime_is_said_plainly(client_as: Callable[[str | None], TestClient]) -> None:
    page = client_as("consul").get("/screening", params={**BASICS, "pack": "eu"})
    assert page.status_code in {400, 422}
    assert "not in this registry" in page.text and "Traceback" not in page.text


def test_the_desk_says_which_days_measures_apply_under_the_chosen_regime(
    client_as: Callable[[str | None], TestClient],
) -> None:
    consul = client_as("consul")
    us = consul.get("/screening").text
    assert "day of the issuance decision apply, whenever the application was" in us
    eu = consul.get("/screening", params={"pack": EU}).text
    assert "applications lodged on or after the day the implementing decision" in eu
    assert "issuance decision apply" not in eu
