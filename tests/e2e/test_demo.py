"""``readmit demo`` reproduces the public record's figures (docs/sources.md) in its ledger."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from demo_support import SEED, demo_app, demo_database, first_output
from typer.testing import CliRunner

from readmit.cli import app
from readmit.demo.record import cambodia_check, choices, record_rows
from readmit.domain.claims import fiscal_year_span
from readmit.services.assessment import assess as assessment
from readmit.services.assessment import figures
from readmit.services.assessment.agreement_scope import removals_outside_agreement
from readmit.services.assessment.claims import list_claims
from readmit.services.context import App
from readmit.services.ops.audit import verify_ledger

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    db = demo_database(tmp_path_factory)
    application = demo_app(db, tmp_path_factory.mktemp("keys"))
    yield application
    application.engine.dispose()


def test_cambodias_group_returns_have_the_dates_and_sizes_of_the_record(demo: App) -> None:
    groups = {
        (g.departure_on.year, g.departure_on.month): g.removed
        for g in figures.group_returns(demo, "KH", 20)
    }
    assert groups[(2018, 4)] == 43
    assert groups[(2019, 7)] == 37
    assert groups[(2020, 1)] == 25
    exact = {g.departure_on: g.removed for g in figures.group_returns(demo, "KH")}
    assert exact[date(2018, 12, 17)] == 36


def test_april_2018_was_the_largest_group_to_that_date(demo: App) -> None:
    earlier = [
        g.removed for g in figures.group_returns(demo, "KH", 1) if g.departure_on < date(2018, 4, 1)
    ]
    assert earlier and max(earlier) < 43


def test_fy2019_has_81_removals_to_cambodia_of_which_71_criminal(demo: App) -> None:
    # DHS's "81 in 2019, 71 criminal", read as fiscal year 2019 (the record: likely, [U]).
    year = fiscal_year_span(2019)
    assert year == (date(2018, 10, 1), date(2019, 9, 30))
    assert figures.count_removals(demo, "KH", start=year[0], end=year[1]) == 81
    assert figures.count_removals(demo, "KH", start=year[0], end=year[1], criminal=True) == 71


def test_ices_fiscal_years_hold_74_29_and_110_removals_a_rise_of_279_per_cent(demo: App) -> None:
    counts = {
        fy: figures.count_removals(demo, "KH", start=first, end=last)
        for fy in (2016, 2017, 2018)
        for first, last in [fiscal_year_span(fy)]
    }
    assert counts == {2016: 74, 2017: 29, 2018: 110}
    assert round(100 * (counts[2018] - counts[2017]) / counts[2017]) == 279


def test_about_1900_final_orders_are_pending_on_16_may_2022(demo: App) -> None:
    assert figures.backlog(demo, "KH", date(2022, 5, 16)) == 1900


def test_one_interview_and_two_removals_from_october_2020_to_16_may_2022(demo: App) -> None:
    window = (date(2020, 10, 1), date(2022, 5, 16))
    assert (
        figures.count_events(
            demo, "KH", event_type="interview_held", start=window[0], end=window[1]
        )
        == 1
    )
    assert figures.count_removals(demo, "KH", start=window[0], end=window[1]) == 2


def test_768_removed_by_2020_as_kvao_counted(demo: App) -> None:
    assert figures.count_removals(demo, "KH", start=date(2002, 1, 1), end=date(2020, 12, 31)) == 768


def test_the_demo_ledger_verifies(demo: App) -> None:
    assert verify_ledger(demo).ok


def test_running_the_demo_again_on_the_same_database_adds_nothing(
    demo: App, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = demo_database(tmp_path_factory)
    with demo.uow(write=False) as uow:
        before = uow.ledger.count()
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--seed", str(SEED), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "reused" in result.output
    with demo.uow(write=False) as uow:
        assert uow.ledger.count() == before


def test_another_seed_on_a_demo_database_is_refused_with_a_message(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db: Path = demo_database(tmp_path_factory)
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--seed", "7", "--no-serve"])
    assert result.exit_code == 1
    assert "seed 2022" in result.output


def test_the_summary_shows_sanctions_ratings_decisions_and_a_login_per_role(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    printed = first_output(tmp_path_factory)
    assert "KH-2017 Cambodia: in force" in printed
    assert "GN-2017" not in printed.split("Sanctions in force today")[1].split("Cambodia in")[0]
    assert "Cambodian MFA Director General, B1/B2" in printed and "discontinued" in printed
    assert "needs_review" in printed and "restricted" in printed
    for user in ("demo-analyst", "demo-consular-officer", "demo-partner-liaison"):
        assert f"user {user}" in printed
    assert "http://127.0.0.1:8000/" in printed


def test_the_summary_shows_every_regimes_sanctions_and_a_screening_under_each(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    printed = first_output(tmp_path_factory)
    in_force = printed.split("Sanctions in force today")[1].split("Cambodia in")[0]
    eu = in_force.split("(eu_visa_code_25a):")[1].split("(uk_naba_2022_s72):")[0]
    assert "ET-2023 Ethiopia: in force" in eu and "GM-2021 The Gambia: partly lifted" in eu
    assert "KH-2017" not in eu
    assert "none in force today" in in_force.split("(uk_naba_2022_s72):")[1]
    assert "lodged in Dakar on 2023-11-01 (EU Visa Code Art. 25a): restricted" in printed
    assert "visa fee 120 EUR" in printed
    assert "on 2024-07-01 (EU Visa Code Art. 25a): excepted" in printed
    assert "(UK Nationality and Borders Act 2022 s.72): not_affected" in printed
    assert "administrative measure" in printed
    toml = (demo_database(tmp_path_factory).parent / "readmit.toml").read_text()
    assert 'registry_packs = ["eu_visa_code_25a", "uk_naba_2022_s72"]' in toml


def test_the_demo_registry_holds_the_three_regimes(demo: App) -> None:
    from readmit.services.sanctions import registry

    on = date(2022, 6, 1)
    gambia = registry.list_sanctions(demo, on, country="GM", today=date(2026, 1, 1))
    assert {(s.id, s.regime) for s in gambia} == {
        ("GM-2016", "us_ina_243d"),
        ("GM-2021", "eu_visa_code_25a"),
    }
    assert registry.list_sanctions(demo, on, regime="uk_naba_2022_s72") == []


def test_the_summary_labels_fiscal_years_uncertainty_the_scenarios_choices_and_the_flag(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    printed = " ".join(first_output(tmp_path_factory).split())
    cambodia = printed.split("Cambodia in the ledger")[1].split("Screened")[0]
    assert "[U] = uncertain in the record" in cambodia
    assert "FY2019" in cambodia and "likely [U]" in cambodia
    assert "Chosen by the scenario" in cambodia
    chosen = cambodia.split("Chosen by the scenario")[1]
    assert "the mode of the one interview" in chosen and "virtual" in chosen
    assert '"some"' in chosen and '"a few hundred"' in chosen
    assert "removals outside the agreement" in chosen
    assert "SYN-LA-900001" in chosen and "covers: nationals_only" in chosen


def test_cambodia_is_uncooperative_and_the_contrast_countries_cooperative(demo: App) -> None:
    window = assessment.Window(date(2020, 10, 1), date(2022, 5, 16))
    last_year = assessment.Window(date(2022, 1, 1), date(2022, 12, 31))
    for span in (window, last_year):
        rated = {a["country"]: a["rating"] for a in assessment.assess_all(demo, span)}
        assert rated["KH"] == "uncooperative"
    rated = {a["country"]: a["rating"] for a in assessment.assess_all(demo, last_year)}
    assert {rated[c] for c in ("MX", "GT", "HN", "SV", "CO")} == {"cooperative"}


def test_the_2022_dispute_shows_both_sides_figures(demo: App) -> None:
    window = assessment.Window(date(2020, 10, 1), date(2022, 5, 16), view="both")
    found = assessment.assess(demo, "KH", window)
    assert found["metrics"]["interviews_held"] == 1
    assert found["partner"]["metrics"]["interviews_held"] == 46
    assert found["metrics"]["removals"] == 2 == found["partner"]["metrics"]["removals"]


def test_as_of_a_past_date_the_ledger_shows_what_was_known_then(demo: App) -> None:
    first, last = fiscal_year_span(2019)
    late = assessment.Window(first, last)
    early = assessment.Window(first, last, as_of=date(2019, 6, 30))
    assert assessment.assess(demo, "KH", late)["metrics"]["removals"] == 81
    assert assessment.assess(demo, "KH", early)["metrics"]["removals"] < 81


def test_the_fy2019_assessment_shows_dhss_claim_labelled_as_an_uncertain_fiscal_year(
    demo: App,
) -> None:
    found = assessment.assess(demo, "KH", assessment.Window(*fiscal_year_span(2019)))
    beside = {c["claim_id"]: c for c in found["claims"]}
    dhs = beside["kh-dhs-2019-removals"]
    assert (dhs["figure"], dhs["ledger_value"], dhs["same_dates"]) == (81, 81, True)
    listed = {c["claim_id"]: c for c in list_claims(demo, "KH")["claims"]}
    assert listed["kh-dhs-2019-removals"]["period"] == "FY2019 (2018-10-01 – 2019-09-30) [U]"
    assert listed["kh-ice-fy2018-removals"]["fiscal_years"] == "FY2018"
    assert "uncertain" in listed["kh-dhs-2019-removals"]["note"]


def test_two_laotians_removed_to_cambodia_are_flagged_outside_the_memorandum(demo: App) -> None:
    found = removals_outside_agreement(demo, "KH")
    assert [(f.nationality, f.destination) for f in found] == [("LA", "KH"), ("LA", "KH")]
    assert all(f.case_id.startswith("SYN-LA-") for f in found)
    assert all("covers: nationals_only" in f.reason for f in found)
    assert all("fail to obtain citizenship" in f.reason for f in found)
    # They are not Cambodia's removals: KVAO's 768 and FY2019's 81 count Cambodians only.
    assert figures.count_removals(demo, "LA", start=found[0].removed_on, end=found[0].removed_on)
    agreement = list_claims(demo, "KH")["agreement"]
    assert agreement is not None
    (outside,) = agreement["removals_outside"]
    assert (outside["nationality"], outside["removals"]) == ("LA", 2)
    assert "SYN-" not in str(agreement)  # the public listing names no case
    assert removals_outside_agreement(demo, "LA") == []  # no agreement with Laos in the pack


def test_every_row_of_the_true_to_the_record_table_holds_in_the_ledger(demo: App) -> None:
    kh = cambodia_check(demo)
    rows = record_rows(kh)
    assert rows and all(row.holds for row in rows), [r for r in rows if not r.holds]
    said = " ".join(row.record for row in rows)
    assert "FY2019 likely [U]" in said and "FY2016 74, FY2017 29, FY2018 110" in said
    # What the record does not give is not in the record's column ...
    for chosen in ("virtual", "45", "300", "2018-10-16"):
        assert chosen not in said
    # ... but among the scenario's choices.
    chose = {c.what: c.chosen for c in choices(kh)}
    assert chose["the mode of the one interview of October 2020 - May 2022"] == "virtual"
    assert chose['how many virtual interviews Cambodia\'s "some" means'].startswith("45 ")
    assert chose['how many "a few hundred" being processed means'].startswith("300 ")
    assert chose["the day the two Laotians were removed"] == "2018-10-16"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_serves_the_dashboard_and_the_api_on_its_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db, port = demo_database(tmp_path_factory), _free_port()
    command = [sys.executable, "-c", "from readmit.cli import main; main()"]
    server = subprocess.Popen(
        [*command, "demo", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                registry = httpx.get(f"{base}/sanctions.json?on=2022-03-01", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the demo server did not start"
                time.sleep(0.5)
        assert registry.status_code == 200
        assert "KH-2017" in registry.text
        # The EU's and the UK's regimes are in the registry the demo serves.
        regimes = {r["id"] for r in registry.json()["regimes"]}
        assert regimes >= {"us_ina_243d", "eu_visa_code_25a", "uk_naba_2022_s72"}
        eu = httpx.get(f"{base}/sanctions.json?on=2025-01-01&regime=eu_visa_code_25a", timeout=5)
        assert "ET-2023" in {s["id"] for s in eu.json()["sanctions"]}
        page = httpx.get(f"{base}/countries/KH?to=2022-05-16", timeout=30)
        assert page.status_code == 200 and "Cambodia" in page.text
    finally:
        server.terminate()
        server.wait(timeout=30)
