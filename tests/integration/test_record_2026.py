"""The sanctions corrected against the public record (issue 15): registry and screening tables.

Each registry row is a sanction on a day the review touches (before, on and after each date it
corrected), with its status and its measures' states; both ``readmit sanctions list --as-of D
--json`` and ``GET /api/v1/sanctions?as_of=D`` must give exactly that. Each screening row is an
application under a corrected measure, decided through both engines (one at a time with
``screen_one``, and all at once with ``screen_file``). The sources of each fact are in
docs/sanctions.md and docs/sources.md ("The sanctions").
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from readmit.api import create_app
from readmit.cli import app as cli
from readmit.services.context import Actor, App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.services.screening.batch import screen_file
from readmit.services.screening.engine import ScreeningRequest
from readmit.services.screening.single import screen_one
from readmit.settings import Settings

with warnings.catch_warnings():
    # Starlette deprecates its httpx-based client in favour of a package we do not ship.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

OFFICER = Actor("officer", "consular_officer")
TODAY = date(2026, 12, 1)
ABSENT = "absent"  # not yet known on that day: the registry does not list it

# (sanction, day, status, {measure: state}) - "absent": not in the registry that day.
REGISTRY: list[tuple[str, str, str, dict[str, str]]] = [
    # Guyana: lifted effective 14 December 2001 (Stabroek News, 19 December 2001).
    ("GY-2001", "2001-10-09", "notified", {"GY-2001-1": "not_in_force"}),
    ("GY-2001", "2001-10-10", "in_force", {"GY-2001-1": "in_force"}),
    ("GY-2001", "2001-12-13", "in_force", {"GY-2001-1": "in_force"}),
    ("GY-2001", "2001-12-14", "lifted", {"GY-2001-1": "not_in_force"}),
    ("GY-2001", "2001-12-20", "lifted", {"GY-2001-1": "not_in_force"}),
    ("GY-2001", "2016-10-02", "lifted", {"GY-2001-1": "not_in_force"}),
    # The Gambia: verified on 12 September 2017 (9 FAM), ended by 12 December 2017 (one report).
    ("GM-2016", "2016-09-29", ABSENT, {}),
    ("GM-2016", "2016-10-01", "in_force", {"GM-2016-1": "in_force"}),
    ("GM-2016", "2017-09-12", "in_force", {"GM-2016-1": "in_force"}),
    ("GM-2016", "2017-09-13", "uncertain", {"GM-2016-1": "uncertain"}),
    ("GM-2016", "2017-12-11", "uncertain", {"GM-2016-1": "uncertain"}),
    ("GM-2016", "2017-12-12", "ended_date_unknown", {"GM-2016-1": "not_in_force"}),
    ("GM-2016", "2018-01-01", "ended_date_unknown", {"GM-2016-1": "not_in_force"}),
    # Cambodia, Eritrea and Sierra Leone: notified by 22-23 August 2017.
    ("KH-2017", "2017-08-22", ABSENT, {}),
    ("KH-2017", "2017-08-23", "notified", {}),
    ("KH-2017", "2017-09-12", "notified", {}),
    ("KH-2017", "2017-09-13", "in_force", {"KH-2017-1": "in_force"}),
    ("KH-2017", "2022-03-31", "in_force", {"KH-2017-1": "in_force"}),
    ("KH-2017", "2022-05-16", "in_force", {"KH-2017-1": "in_force"}),
    ("KH-2017", "2022-11-22", "in_force", {"KH-2017-1": "in_force"}),
    ("KH-2017", "2026-12-01", "in_force", {"KH-2017-1": "in_force"}),
    ("ER-2017", "2017-08-22", ABSENT, {}),
    ("ER-2017", "2017-08-23", "notified", {}),
    ("ER-2017", "2017-09-13", "in_force", {"ER-2017-1": "in_force", "ER-2021-1": "not_in_force"}),
    # Eritrea: widened on 15 January 2021 (U.S. Embassy Asmara, visas page).
    ("ER-2017", "2021-01-14", "in_force", {"ER-2017-1": "in_force", "ER-2021-1": "not_in_force"}),
    ("ER-2017", "2021-01-15", "in_force", {"ER-2017-1": "not_in_force", "ER-2021-1": "in_force"}),
    ("ER-2017", "2026-12-01", "in_force", {"ER-2017-1": "not_in_force", "ER-2021-1": "in_force"}),
    ("SL-2017", "2017-08-22", ABSENT, {}),
    ("SL-2017", "2017-08-23", "notified", {}),
    ("SL-2017", "2017-09-13", "in_force", {"SL-2017-1": "in_force", "SL-2020-1": "not_in_force"}),
    ("SL-2017", "2020-09-10", "in_force", {"SL-2017-1": "in_force", "SL-2020-1": "not_in_force"}),
    ("SL-2017", "2020-09-11", "in_force", {"SL-2017-1": "in_force", "SL-2020-1": "in_force"}),
    ("SL-2017", "2021-03-31", "in_force", {"SL-2017-1": "in_force", "SL-2020-1": "not_in_force"}),
    # Burma: the family's age limit changes who is covered, not when.
    ("MM-2018", "2018-07-08", ABSENT, {}),
    ("MM-2018", "2018-07-09", "in_force", {"MM-2018-1": "in_force"}),
    # Laos: the 2020 widening from 1 April or 5 June [U]; which measure survived 2022 [U].
    (
        "LA-2018",
        "2020-03-31",
        "in_force",
        {
            "LA-2018-1": "in_force",
            "LA-2018-2": "in_force",
            "LA-2020-1": "not_in_force",
            "LA-2022-1": "not_in_force",
        },
    ),
    (
        "LA-2018",
        "2020-04-01",
        "in_force",
        {
            "LA-2018-1": "in_force",
            "LA-2018-2": "in_force",
            "LA-2020-1": "uncertain",
            "LA-2022-1": "not_in_force",
        },
    ),
    (
        "LA-2018",
        "2020-06-05",
        "in_force",
        {
            "LA-2018-1": "in_force",
            "LA-2018-2": "in_force",
            "LA-2020-1": "uncertain",
            "LA-2022-1": "not_in_force",
        },
    ),
    (
        "LA-2018",
        "2022-02-06",
        "in_force",
        {
            "LA-2018-1": "in_force",
            "LA-2018-2": "in_force",
            "LA-2020-1": "uncertain",
            "LA-2022-1": "not_in_force",
        },
    ),
    (
        "LA-2018",
        "2022-02-07",
        "partly_lifted",
        {
            "LA-2018-1": "not_in_force",
            "LA-2018-2": "not_in_force",
            "LA-2020-1": "not_in_force",
            "LA-2022-1": "in_force",
        },
    ),
    # Ghana: ordered on or before 31 January 2019 (DHS release), effective 4 February 2019.
    ("GH-2019", "2019-01-30", ABSENT, {}),
    ("GH-2019", "2019-01-31", "ordered", {"GH-2019-1": "not_in_force"}),
    ("GH-2019", "2019-02-03", "ordered", {"GH-2019-1": "not_in_force"}),
    ("GH-2019", "2019-02-04", "in_force", {"GH-2019-1": "in_force", "GH-2019-2": "in_force"}),
    ("GH-2019", "2020-01-16", "in_force", {"GH-2019-1": "in_force", "GH-2019-2": "in_force"}),
    ("GH-2019", "2020-01-17", "lifted", {"GH-2019-1": "not_in_force"}),
    # Pakistan: first shown by the final rule 84 FR 16610 of 22 April 2019.
    ("PK-2019", "2019-04-21", ABSENT, {}),
    ("PK-2019", "2019-04-22", "uncertain", {"PK-2019-1": "uncertain"}),
    ("PK-2019", "2019-04-26", "uncertain", {"PK-2019-1": "uncertain"}),
]
DAYS = sorted({day for _sanction, day, _status, _states in REGISTRY})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One migrated store with the pack loaded, read (never written) by every registry test."""
    root = tmp_path_factory.mktemp("record")
    application = bootstrap(
        Settings(database_url=f"sqlite:///{root / 'readmit.db'}", key_dir=root / "keys")
    )
    upgrade(application)
    yield application
    application.engine.dispose()


@pytest.fixture(scope="module")
def cli_registry(store: App) -> dict[str, dict[str, dict[str, Any]]]:
    """``readmit sanctions list --as-of D --json`` on every day of the table, by sanction id."""
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("READMIT_DATABASE_URL", store.settings.database_url)
        patch.setenv("READMIT_KEY_DIR", str(store.settings.key_dir))
        for day in DAYS:
            result = CliRunner().invoke(cli, ["sanctions", "list", "--as-of", day, "--json"])
            assert result.exit_code == 0, result.output
            found[day] = {s["id"]: s for s in json.loads(result.stdout)}
    return found


@pytest.fixture(scope="module")
def api_registry(store: App) -> dict[str, dict[str, dict[str, Any]]]:
    """``GET /api/v1/sanctions?as_of=D`` (public, no token) on every day of the table."""
    found = {}
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        for day in DAYS:
            answer = client.get("/api/v1/sanctions", params={"as_of": day})
            assert answer.status_code == 200, answer.text
            found[day] = {s["id"]: s for s in answer.json()}
    return found


def _states(listed: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: m["state"] for m in listed["measures"]}


@pytest.mark.parametrize(
    ("sanction", "day", "status", "states"),
    REGISTRY,
    ids=[f"{s}-{d}-{st}" for s, d, st, _ in REGISTRY],
)
@pytest.mark.parametrize("edge", ["cli", "api"])
def test_the_registry_says_what_the_record_says_on_each_day(
    edge: str,
    sanction: str,
    day: str,
    status: str,
    states: dict[str, str],
    cli_registry: dict[str, dict[str, dict[str, Any]]],
    api_registry: dict[str, dict[str, dict[str, Any]]],
) -> None:
    registry = (cli_registry if edge == "cli" else api_registry)[day]
    if status == ABSENT:
        assert sanction not in registry, f"{sanction} is not yet known on {day}"
        return
    listed = registry[sanction]
    assert listed["status"] == status
    assert str(listed["as_of"]) == day
    got = _states(listed)
    assert {k: got.get(k, "absent") for k in states} == states


@pytest.mark.parametrize("edge", ["cli", "api"])
def test_the_measures_carry_the_corrected_scopes_and_verifications(
    edge: str,
    cli_registry: dict[str, dict[str, dict[str, Any]]],
    api_registry: dict[str, dict[str, dict[str, Any]]],
) -> None:
    today = (cli_registry if edge == "cli" else api_registry)["2026-12-01"]
    measures = {m["id"]: m for s in today.values() for m in s["measures"]}
    # Cambodia: in force, last verified by Hun Sen's statement of 22 November 2022; stale.
    assert measures["KH-2017-1"]["last_verified_on"] == "2022-11-22"
    assert today["KH-2017"]["stale"] and today["ER-2017"]["stale"]
    # Eritrea 2021: every nonimmigrant class, the diplomatic and organisation classes exempt.
    eritrea = measures["ER-2021-1"]
    assert eritrea["classes"] == ["nonimmigrant"]
    assert eritrea["exempt_classes"] == [
        *("A1", "A2", "C2", "C3", "G1", "G2", "G3", "G4"),
        *(f"NATO{n}" for n in range(1, 7)),
    ]
    assert eritrea["persons"] == ["nationals", "residents"]
    # Sierra Leone 2020: citizens and nationals applying in Freetown, not residents.
    assert measures["SL-2020-1"]["persons"] == ["nationals"]
    # Burma: spouses and children under 21 (a secondary source, so noted [U]).
    burma = measures["MM-2018-1"]
    assert burma["who"]["child_under"] == 21
    assert any("[U" in note for note in burma["notes"])
    # Ghana and Laos: A3/G5 only for the domestic staff of that government's officials.
    for measure, employer in (("GH-2019-1", "GH-GOV"), ("LA-2018-2", "LA-GOV")):
        who = measures[measure]["who"]
        assert (who["everyone"], who["employers"], who["domestic_staff"]) == (
            False,
            [employer],
            True,
        )
    # Pakistan: first known from the final rule of 22 April 2019, scope still unknown.
    pakistan = measures["PK-2019-1"]
    assert pakistan["first_known_on"] == "2019-04-22" and pakistan["classes"] == "unknown"
    assert any("2019-08061" in source for source in pakistan["sources"])
    # Guyana: lifted on a known day, so no longer an unknown end.
    guyana = measures["GY-2001-1"]
    assert guyana["valid_to"] == "2001-12-14" and not guyana["end_unknown"]
    # The Gambia: an unknown end, bounded by its one report.
    gambia = measures["GM-2016-1"]
    assert gambia["end_unknown"] and gambia["ended_by"] == "2017-12-12"
    assert gambia["last_verified_on"] == "2017-09-12"
    # Laos: an unknown start for the 2020 widening; the 2022 survivor's classes left open.
    assert measures["LA-2020-1"]["valid_from"] is None
    assert measures["LA-2020-1"]["first_known_on"] == "2020-04-01"
    assert measures["LA-2022-1"]["classes"] == []
    assert measures["LA-2022-1"]["uncertain_classes"] == ["immigrant", "nonimmigrant"]


def test_the_corrected_steps_name_their_sources(store: App) -> None:
    from readmit.services.sanctions import registry

    def steps(sanction: str) -> list[tuple[str, str, bool, bool, tuple[str, ...]]]:
        view = registry.show_sanction(store, sanction)
        return [
            (s.kind, s.on.isoformat(), s.date_is_upper_bound, s.not_public, s.sources)
            for s in view.sanction.steps
        ]

    gy = steps("GY-2001")
    assert gy[-2][:4] == ("compliance_notification", "2001-12-14", True, False)
    assert gy[-1][:2] == ("lift", "2001-12-14")
    assert "http://www.landofsixpeoples.com/news/ns112192.htm" in gy[-1][4]
    for sanction in ("KH-2017", "ER-2017", "SL-2017"):
        notification = steps(sanction)[1]
        assert notification[:4] == ("notification", "2017-08-23", True, False), sanction
        assert any("myattorneyusa.com/visa-sanctions-triggered" in s for s in notification[4])
    gh = steps("GH-2019")
    assert gh[2][:3] == ("order", "2019-01-31", True)
    assert any("dhs.gov/news/2019/01/31" in s for s in gh[2][4])
    kh = [s for s in steps("KH-2017") if s[0] == "verification"]
    assert [s[1] for s in kh] == ["2022-03-31", "2022-05-16", "2022-11-22"]
    view = registry.show_sanction(store, "KH-2017")
    actors = [s.actor for s in view.sanction.steps if s.kind == "verification"]
    assert actors[0] == actors[1] == "US Embassy Phnom Penh spokesman Chad Roedemeier"
    assert "Hun Sen" in actors[2]


# Every corrected measure, through both engines: nationality, visa class, post, decision date,
# the expected decision and measures, and any other inputs.
Row = tuple[dict[str, str], str, str]


def app(
    nationality: str, visa: str, post: str, on: str, decision: str, measures: str, **more: str
) -> Row:
    inputs = {"nationality": nationality, "visa_class": visa, "post_country": post}
    return ({**inputs, "decision_date": on, **more}, decision, measures)


def of(relationship: str, employer: str, rank: str = "", born: str = "") -> dict[str, str]:
    """The applicant is the ``relationship`` (spouse, child, employee) of an official."""
    found = {"relationship": relationship, "principal_employer": employer}
    return {**found, "principal_rank": rank, "date_of_birth": born}


def official(employer: str, rank: str) -> dict[str, str]:
    """The applicant works for ``employer`` at ``rank``."""
    return {"employer": employer, "rank": rank}


SCREENING: list[Row] = [
    # Guyana 2001
    # GY official, day before the lift
    app("GY", "B2", "GY", "2001-12-13", "discontinued", "GY-2001-1", employer="GY-GOV"),
    # GY official, lift day
    app("GY", "B2", "GY", "2001-12-14", "not_affected", "", employer="GY-GOV"),
    # GY official in Georgetown after the lift
    app("GY", "B2", "GY", "2001-12-20", "not_affected", "", employer="GY-GOV"),
    # GY spouse of a state-company employee
    app("GY", "B1", "GY", "2001-11-15", "discontinued", "GY-2001-1", **of("spouse", "GY-SOE")),
    # Eritrea 2021
    # ER student in Asmara after the widening
    app("ER", "F1", "ER", "2021-02-01", "discontinued", "ER-2021-1"),
    # ER diplomat A1 after the widening
    app("ER", "A1", "ER", "2021-02-01", "excepted", "ER-2021-1"),
    # ER G2 after the widening
    app("ER", "G2", "ER", "2021-02-01", "excepted", "ER-2021-1"),
    # ... and the transit and NATO classes the embassy lists
    app("ER", "C2", "ER", "2021-02-01", "excepted", "ER-2021-1"),
    app("ER", "NATO4", "ER", "2021-02-01", "excepted", "ER-2021-1"),
    # ER student the day before
    app("ER", "F1", "ER", "2021-01-14", "not_affected", ""),
    # ER visitor the day before
    app("ER", "B2", "ER", "2021-01-14", "discontinued", "ER-2017-1"),
    # resident of Eritrea, H1B
    app("ET", "H1B", "ER", "2022-06-01", "discontinued", "ER-2021-1", residence="ER"),
    # ER immigrant visa
    app("ER", "IR1", "ER", "2022-06-01", "not_affected", ""),
    # ER student in Addis Ababa
    app("ER", "F1", "ET", "2022-06-01", "not_affected", ""),
    # Ghana 2019
    # GH staff of a Ghanaian diplomat, effective day
    app("GH", "A3", "GH", "2019-02-04", "discontinued", "GH-2019-1", **of("employee", "GH-MFA")),
    # GH staff of a Ghanaian diplomat, day before
    app("GH", "A3", "GH", "2019-02-03", "not_affected", "", **of("employee", "GH-MFA")),
    # GH G5 staff of another government's official
    app("GH", "G5", "GH", "2019-06-01", "not_affected", "", **of("employee", "FR-GOV")),
    # GH A3 with no principal declared
    app("GH", "A3", "GH", "2019-06-01", "not_affected", ""),
    # GH parliament employee, day of the order
    app("GH", "B2", "GH", "2019-01-31", "not_affected", "", employer="GH-LEG"),
    # GH parliament employee, effective day
    app("GH", "B2", "GH", "2019-02-04", "restricted", "GH-2019-2", employer="GH-LEG"),
    # GH staff of a Ghanaian diplomat, lift day
    app("GH", "A3", "GH", "2020-01-17", "not_affected", "", **of("employee", "GH-MFA")),
    # Cambodia 2017: still in force
    # KH DG the day before
    app(
        "KH",
        "B1/B2",
        "KH",
        "2017-09-12",
        "not_affected",
        "",
        **official("KH-MFA", "director_general"),
    ),
    # KH DG, Hun Sen's statement
    app(
        "KH",
        "B1/B2",
        "KH",
        "2022-11-22",
        "discontinued",
        "KH-2017-1",
        **official("KH-MFA", "director_general"),
    ),
    # KH DG today
    app(
        "KH",
        "B2",
        "KH",
        "2026-06-01",
        "discontinued",
        "KH-2017-1",
        **official("KH-MFA", "director_general"),
    ),
    # Sierra Leone 2020
    # SL student in Freetown
    app("SL", "F1", "SL", "2020-10-01", "discontinued", "SL-2020-1"),
    # resident of Sierra Leone, not a national
    app("LR", "F1", "SL", "2020-10-01", "not_affected", "", residence="SL"),
    # SL foreign ministry official after the narrowing
    app("SL", "B1", "SL", "2021-03-31", "discontinued", "SL-2017-1", employer="SL-MFA"),
    # Burma 2018: children under 21
    # MM child of 13 of a minister
    app(
        "MM",
        "B2",
        "MM",
        "2019-01-01",
        "discontinued",
        "MM-2018-1",
        **of("child", "MM-MOHA", "minister", "2005-06-01"),
    ),
    # MM child of 23 of a minister
    app(
        "MM",
        "B2",
        "MM",
        "2019-01-01",
        "not_affected",
        "",
        **of("child", "MM-MOHA", "minister", "1995-06-01"),
    ),
    # MM child, no date of birth
    app(
        "MM",
        "B2",
        "MM",
        "2019-01-01",
        "needs_review",
        "MM-2018-1",
        **of("child", "MM-MOHA", "minister"),
    ),
    # MM spouse of a Director General
    app(
        "MM",
        "B1",
        "MM",
        "2019-01-01",
        "discontinued",
        "MM-2018-1",
        **of("spouse", "MM-MOLIP", "director_general"),
    ),
    # Laos 2018-2022
    # LA staff of a Lao official
    app("LA", "A3", "LA", "2019-03-01", "discontinued", "LA-2018-2", **of("employee", "LA-MFA")),
    # LA staff of another government's official
    app("LA", "G5", "LA", "2019-03-01", "not_affected", "", **of("employee", "VN-GOV")),
    # LA student before the widening
    app("LA", "F1", "LA", "2020-03-31", "not_affected", ""),
    # LA student on 1 April 2020
    app("LA", "F1", "LA", "2020-04-01", "needs_review", "LA-2020-1"),
    # LA student on 5 June 2020
    app("LA", "F1", "LA", "2020-06-05", "needs_review", "LA-2020-1"),
    # LA Public Security DG before the lift
    app(
        "LA",
        "B2",
        "LA",
        "2022-02-06",
        "discontinued",
        "LA-2018-1;LA-2020-1",
        **official("LA-MPS", "director_general"),
    ),
    # LA student on the lift day
    app("LA", "F1", "LA", "2022-02-07", "not_affected", ""),
    # LA Public Security DG after the lift
    app(
        "LA",
        "B2",
        "LA",
        "2022-02-07",
        "needs_review",
        "LA-2022-1",
        **official("LA-MPS", "director_general"),
    ),
    # LA foreign ministry director after the lift
    app("LA", "B2", "LA", "2023-01-01", "not_affected", "", **official("LA-MFA", "director")),
    # Pakistan 2019
    # PK visitor before the final rule
    app("PK", "B2", "PK", "2019-04-21", "not_affected", ""),
    # PK visitor on the final rule's day
    app("PK", "B2", "PK", "2019-04-22", "needs_review", "PK-2019-1"),
    # The Gambia 2016-2017
    # GM official, last verified day
    app("GM", "B2", "GM", "2017-09-12", "discontinued", "GM-2016-1", employer="GM-GOV"),
    # GM official after the last verification
    app("GM", "B2", "GM", "2017-09-13", "needs_review", "GM-2016-1", employer="GM-GOV"),
    # GM official on the reported lift day
    app("GM", "B2", "GM", "2017-12-12", "not_affected", "", employer="GM-GOV"),
]


def _id(row: Row) -> str:
    inputs = row[0]
    return "-".join(
        inputs[k] for k in ("nationality", "visa_class", "post_country", "decision_date")
    )


@pytest.mark.parametrize(
    ("inputs", "decision", "measures"),
    SCREENING,
    ids=[f"{n}-{_id(row)}" for n, row in enumerate(SCREENING, start=1)],
)
def test_one_decision_at_a_time(
    store: App, inputs: dict[str, str], decision: str, measures: str
) -> None:
    result = screen_one(store, OFFICER, ScreeningRequest(inputs=inputs, log=False, today=TODAY))
    got = (result.decision.decision, ";".join(result.decision.measures))
    assert got == (decision, measures), result.decision.reasons


def test_the_whole_table_as_one_file(store: App, tmp_path: Path) -> None:
    columns = sorted({name for inputs, _d, _m in SCREENING for name in inputs})
    source = tmp_path / "record.csv"
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["application_id", *columns])
        writer.writeheader()
        for n, (inputs, _d, _m) in enumerate(SCREENING, start=1):
            writer.writerow({"application_id": f"R{n}", **inputs})
    target = tmp_path / "out.csv"
    summary = screen_file(store, OFFICER, source=source, target=target, today=TODAY)
    assert summary.rows == len(SCREENING) and summary.invalid == 0
    out = pl.read_csv(target, infer_schema=False).fill_null("")
    got = list(zip(out["decision"].to_list(), out["measures"].to_list(), strict=True))
    assert got == [(d, m) for _inputs, d, m in SCREENING]
