"""One registry of several regimes: each sanction names its regime; screening reads its own."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import PackError
from readmit.packs import PACKS_DIR
from readmit.services.context import App
from readmit.services.ops.maintenance import rebuild, upgrade
from readmit.services.sanctions import registry
from readmit.services.screening.engine import engine_at_head
from readmit.store.sanction_projection import load_measures

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"


@pytest.fixture
def three(sqlite_app: App) -> App:
    sqlite_app.settings.registry_packs = [EU, UK]
    report = upgrade(sqlite_app)
    assert report.added > 0 and dict(report.others).keys() == {EU, UK}
    return sqlite_app


def test_the_registry_holds_every_regimes_sanctions_each_naming_its_regime(three: App) -> None:
    gambia = registry.list_sanctions(three, date(2022, 6, 1), country="GM", today=date(2026, 1, 1))
    assert {(s.id, s.regime, s.status) for s in gambia} == {
        ("GM-2016", US, "ended_date_unknown"),
        ("GM-2021", EU, "in_force"),
    }
    eritrea = registry.list_sanctions(three, date(2022, 6, 1), country="ER", today=date(2026, 1, 1))
    assert {(s.id, s.regime, s.status) for s in eritrea} == {("ER-2017", US, "in_force")}
    eu = registry.list_sanctions(three, date(2025, 1, 1), regime=EU, today=date(2026, 1, 1))
    assert {s.id: s.status for s in eu} == {
        "BD-2021": "proposed",
        "IQ-2021": "proposed",
        "GM-2021": "partly_lifted",
        "SN-2022": "proposed",
        "ET-2023": "in_force",
        "SO-2024": "proposed",
    }
    assert registry.list_sanctions(three, date(2026, 1, 1), regime=UK) == []


def test_screening_under_the_default_pack_reads_its_regimes_measures_only(three: App) -> None:
    with three.uow(write=False) as uow:
        measures, _engine, _seq = engine_at_head(three, uow)
        every = load_measures(uow.conn)
    assert {m.sanction_id for m in every} >= {"GM-2021", "ET-2023", "KH-2017"}
    assert {m.sanction_id for m in measures} & {"GM-2021", "ET-2023"} == set()
    assert "KH-2017" in {m.sanction_id for m in measures}


def test_a_rebuilt_projection_keeps_each_sanctions_regime(three: App) -> None:
    rebuild(three)
    view = registry.show_sanction(three, "ET-2023", today=date(2026, 1, 1))
    assert (view.summary.regime, view.summary.status) == (EU, "in_force")
    assert view.sanction.allowed_next() == ["proposal", "verification"]


def test_two_packs_giving_one_sanction_id_are_refused(sqlite_app: App, tmp_path: Path) -> None:
    clash = tmp_path / "clash"
    shutil.copytree(PACKS_DIR / EU, clash)
    source = clash / "sanctions" / "BD-2021.yaml"
    text = (
        source.read_text()
        .replace("id: BD-2021", "id: KH-2017")
        .replace("country: BD", "country: KH")
    )
    source.unlink()
    (clash / "sanctions" / "KH-2017.yaml").write_text(text.replace("Bangladesh", "Cambodia"))
    sqlite_app.settings.registry_packs = [str(clash)]
    with pytest.raises(PackError, match="sanction KH-2017 is in pack us_ina_243d and in pack eu"):
        upgrade(sqlite_app)


def test_the_public_registry_names_each_sanctions_regime_and_filters_by_it(three: App) -> None:
    import warnings

    from readmit.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    client = TestClient(create_app(three), base_url="http://testserver")
    twin = client.get("/sanctions.json", params={"on": "2022-06-01", "country": "GM"}).json()
    assert {(s["id"], s["regime"], s["status"]) for s in twin["sanctions"]} == {
        ("GM-2016", US, "ended_date_unknown"),
        ("GM-2021", EU, "in_force"),
    }
    eu = next(r for r in twin["regimes"] if r["id"] == EU)
    assert {a["name"] for a in eu["actors"]} >= {
        "European Commission",
        "Council of the European Union",
    }
    assert eu["governing_date"] == "application_date" and eu["place_rule"] == "anywhere"
    assert "Directive 2004/38/EC" in eu["exemptions"][0]["says"]
    api = client.get("/api/v1/sanctions", params={"as_of": "2022-06-01", "country": "GM"}).json()
    assert {(s["id"], s["regime"]) for s in api} == {("GM-2016", US), ("GM-2021", EU)}
    page = client.get("/sanctions", params={"on": "2022-06-01", "regime": EU}).text
    assert "Article 25a of the Visa Code" in page and "/sanctions/GM-2021" in page
    assert "/sanctions/GM-2016" not in page


def test_an_installation_under_the_eu_pack_screens_with_the_fee_and_each_restriction(
    sqlite_app: App,
) -> None:
    from readmit.services.context import Actor
    from readmit.services.screening.engine import ScreeningRequest
    from readmit.services.screening.single import screen_one

    sqlite_app.settings.pack = EU
    upgrade(sqlite_app)
    inputs = {
        "nationality": "GM",
        "visa_class": "C",
        "post_country": "GM",
        "application_date": "2023-11-01",
        "decision_date": "2023-11-20",
    }
    result = screen_one(
        sqlite_app,
        Actor("consul", "consular_officer"),
        ScreeningRequest(inputs=inputs, today=date(2026, 1, 1)),
    ).to_dict()
    assert result["decision"] == "restricted" and result["pack"] == EU
    assert result["measures"] == ["GM-2021-1", "GM-2021-3", "GM-2021-4", "GM-2021-5"]
    assert result["fee"] == {
        "amount": 120,
        "currency": "EUR",
        "citation": "Visa Code Art. 16(2a); Council Implementing Decision (EU) 2022/2459",
    }
    assert {(i["parameter"], i["value"], i["unit"]) for i in result["restriction_items"]} == {
        ("document_waiver_allowed", False, ""),
        ("decision_days", 45, "days"),
        ("multiple_entry_allowed", False, ""),
        ("visa_fee", 120, "EUR"),
    }
    assert result["governing_date"] == date(2023, 11, 1)
