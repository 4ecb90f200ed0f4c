"""Screening under a chosen regime of the registry: its measures only, logged under its pack,
replayed, lettered and counted by what-if under that pack again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readmit.domain.errors import InvalidInput
from readmit.services.context import Actor, App
from readmit.services.ops.maintenance import upgrade
from readmit.services.sanctions import registry
from readmit.services.screening import letters
from readmit.services.screening.batch import screen_file
from readmit.services.screening.engine import ScreeningRequest, _of_regime, measures_at
from readmit.services.screening.replay import replay
from readmit.services.screening.single import needed_inputs, screen_one
from readmit.services.whatif.coverage import covered_differently

EU, UK, US = "eu_visa_code_25a", "uk_naba_2022_s72", "us_ina_243d"
CONSUL = Actor("consul", "consular_officer")
TODAY = date(2026, 1, 1)
# An adult Gambian lodging in Dakar while the EU's increased fee was certainly in force.
GAMBIAN = {
    "nationality": "GM",
    "visa_class": "C",
    "post_country": "SN",
    "application_date": "2023-11-01",
    "decision_date": "2023-11-20",
}


@pytest.fixture
def three(sqlite_app: App) -> App:
    sqlite_app.settings.registry_packs = [EU, UK]
    upgrade(sqlite_app)
    return sqlite_app


def _screen(app: App, pack: str | None, inputs: dict[str, str] | None = None) -> dict[str, object]:
    request = ScreeningRequest(inputs=inputs or GAMBIAN, pack=pack, today=TODAY)
    return screen_one(app, CONSUL, request).to_dict()


def test_a_gambian_in_2023_is_restricted_under_the_eu_pack_and_not_under_the_default(
    three: App,
) -> None:
    eu = _screen(three, EU)
    assert (eu["decision"], eu["pack"]) == ("restricted", EU)
    assert eu["measures"] == ["GM-2021-1", "GM-2021-3", "GM-2021-4", "GM-2021-5"]
    assert eu["fee"] == {
        "amount": 120,
        "currency": "EUR",
        "citation": "Visa Code Art. 16(2a); Council Implementing Decision (EU) 2022/2459",
    }
    us = _screen(three, None, {**GAMBIAN, "visa_class": "B1/B2", "post_country": "GM"})
    assert (us["decision"], us["pack"]) == ("not_affected", US)


def test_a_family_member_of_an_eu_citizen_is_excepted_under_the_eu_pack(three: App) -> None:
    eu = _screen(three, EU, {**GAMBIAN, "family_of_eu_citizen": "true"})
    assert eu["decision"] == "excepted"


def test_a_pack_not_in_the_registry_is_refused_naming_the_registrys_packs(
    sqlite_app: App,
) -> None:
    with pytest.raises(InvalidInput, match=r"pack 'eu_visa_code_25a' is not in this registry"):
        _screen(sqlite_app, EU)
    with pytest.raises(InvalidInput, match="its packs: us_ina_243d, eu_visa_code_25a, uk_naba"):
        sqlite_app.settings.registry_packs = [EU, UK]
        _screen(sqlite_app, "us_ina_243")


def test_the_inputs_needed_are_the_chosen_regimes(three: App) -> None:
    fields = {
        f.field
        for f in needed_inputs(three, "ET", post_country="KE", decision_date=date(2024, 7, 1))
    }
    assert "family_of_eu_citizen" not in fields
    eu = needed_inputs(three, "ET", post_country="KE", decision_date=date(2024, 7, 1), pack=EU)
    assert {"application_date", "family_of_eu_citizen", "passport_type"} <= {f.field for f in eu}


def test_an_eu_decision_replays_unchanged_under_its_own_regime(three: App) -> None:
    decision_id = str(_screen(three, EU)["decision_id"])
    replayed = replay(three, decision_id)
    assert replayed.pack == EU
    assert (replayed.then.decision, replayed.now.decision) == ("restricted", "restricted")
    assert replayed.unchanged and replayed.notes == []
    assert replayed.pack_version_then == replayed.pack_version_now


def test_measures_at_reads_one_regime_and_a_live_sanction_only_as_the_defaults(
    three: App,
) -> None:
    with three.uow(write=False) as uow:
        seq = uow.ledger.head()[0]
        eu = {m.sanction_id for m in measures_at(uow, seq, regime=EU, unlabelled=False)}
        us = {m.sanction_id for m in measures_at(uow, seq, regime=US)}
        every = {m.sanction_id for m in measures_at(uow, seq)}
    assert "GM-2021" in eu and "KH-2017" not in eu
    assert "KH-2017" in us and "GM-2021" not in us
    assert eu | us == every
    # A sanction recorded live names no regime: only the default pack's reading takes it.
    assert _of_regime(None, US, True) and not _of_regime(None, EU, False)
    assert _of_regime(EU, EU, False) and not _of_regime(US, EU, True)


def test_the_letter_of_an_eu_decision_is_the_eu_packs(three: App) -> None:
    result = screen_one(three, CONSUL, ScreeningRequest(inputs=GAMBIAN, pack=EU, today=TODAY))
    written = letters.letter_for(three, result)
    assert "25a" in written and "243(d)" not in written
    logged = letters.letter(three, CONSUL, result.decision_id)
    assert "25a" in logged and "243(d)" not in logged


def test_a_file_screened_under_the_eu_pack_is_logged_under_it(three: App, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    header = "application_id,nationality,visa_class,decision_date,post_country,employer,rank,"
    header += "relationship,principal_employer,principal_rank,date_of_birth,approved_exception,"
    header += "application_date,family_of_eu_citizen"
    source.write_text(
        header
        + "\n1,ET,C,2024-07-10,KE,,,,,,1990-01-01,,2024-07-01,"
        + "\n2,ET,C,2024-07-10,KE,,,,,,1990-01-01,,2024-05-01,"
        + "\n3,ET,C,2024-07-10,KE,,,,,,1990-01-01,,2024-07-01,true\n"
    )
    summary = screen_file(
        three, CONSUL, source=source, target=tmp_path / "out.csv", pack=EU, today=TODAY
    )
    assert summary.by_decision == {"restricted": 1, "not_affected": 1, "excepted": 1}
    replayed = replay(three, f"{summary.batch_id}:1", source)
    assert (replayed.pack, replayed.then.decision, replayed.unchanged) == (EU, "restricted", True)


def test_what_if_decides_again_only_the_default_regimes_decisions(three: App) -> None:
    _screen(three, EU)
    _screen(three, None, {**GAMBIAN, "visa_class": "B1/B2", "post_country": "GM"})
    window = (date(2023, 1, 1), date(2023, 12, 31))
    with three.uow(write=False) as uow:
        counted = covered_differently(uow.conn, registry_policy(three), [], window)
    assert counted["single_decisions_decided_again"] == 1
    assert counted["decided_differently"] == 0


def registry_policy(app: App):  # type: ignore[no-untyped-def]
    from readmit.services.sanctions.pack import current_pack

    return current_pack(app).policy


def test_the_registry_filter_refuses_a_regime_it_does_not_hold(three: App) -> None:
    with pytest.raises(InvalidInput, match="pack 'eu' is not in this registry"):
        registry.list_sanctions(three, date(2022, 6, 1), regime="eu")
