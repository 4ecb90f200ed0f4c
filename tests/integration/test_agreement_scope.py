"""A removal the US–Cambodia memorandum does not cover is flagged: the memorandum covers
Cambodia's nationals only ("should they fail to obtain citizenship in the other country"), and
"once, they deported two Laotians to Cambodia" (Hun Sen, November 2022)."""

from __future__ import annotations

from datetime import date, timedelta

from coop_builder import Ledger
from readmit.services.assessment.agreement_scope import removals_outside_agreement
from readmit.services.assessment.claims import list_claims
from readmit.services.context import App

D = date


def _removed(ledger: Ledger, case: str, nationality: str, to: str, on: date) -> None:
    def ev(type_: str, day: date, **payload: object) -> None:
        ledger.add(type_, case, day, day, **payload)

    ledger.case(case, nationality, D(2015, 1, 1))
    ev("presented", on - timedelta(days=90), country=to)
    ev("nationality_confirmed", on - timedelta(days=60))
    issued = on - timedelta(days=20)
    ev("document_issued", issued, document_expires_on=(issued + timedelta(60)).isoformat())
    ev("manifested", on - timedelta(days=2), flight_id="KH-FL-1")
    ev("removed", on)


def _build(app: App) -> None:
    ledger = Ledger(app)
    ledger.flight("KH-FL-1", "KH", D(2018, 10, 16), kind="commercial")
    _removed(ledger, "LA-1", "LA", "KH", D(2018, 10, 16))
    _removed(ledger, "LA-2", "LA", "KH", D(2018, 10, 16))
    _removed(ledger, "KH-1", "KH", "KH", D(2018, 10, 16))
    _removed(ledger, "VN-1", "VN", "KH", D(2019, 3, 1))
    sealed = ledger.commit()
    wrong = next(e for e in sealed if e.subject_id == "VN-1" and e.type == "removed")
    Ledger(app).add(
        "voided",
        "VN-1",
        D(2019, 3, 2),
        D(2019, 3, 2),
        voids=wrong.id,
        voided_type="removed",
        reason="entered on the wrong case",
    ).commit()


def test_a_laotian_removed_to_cambodia_is_flagged_a_cambodian_is_not(sqlite_app: App) -> None:
    _build(sqlite_app)
    found = removals_outside_agreement(sqlite_app, "KH")
    assert [(f.case_id, f.nationality, f.removed_on) for f in found] == [
        ("LA-1", "LA", D(2018, 10, 16)),
        ("LA-2", "LA", D(2018, 10, 16)),
    ]
    reason = found[0].reason
    assert "recorded as a national of Laos, was removed to Cambodia on 2018-10-16" in reason
    assert "us-kh-2002-mou" in reason and "covers: nationals_only" in reason


def test_a_voided_removal_is_not_flagged_and_a_country_without_an_agreement_has_none(
    sqlite_app: App,
) -> None:
    _build(sqlite_app)
    assert "VN-1" not in {f.case_id for f in removals_outside_agreement(sqlite_app, "KH")}
    assert removals_outside_agreement(sqlite_app, "LA") == []


def test_the_claims_listing_counts_them_on_the_agreement_without_naming_a_case(
    sqlite_app: App,
) -> None:
    _build(sqlite_app)
    agreement = list_claims(sqlite_app, "KH")["agreement"]
    assert agreement["removals_outside"] == [
        {"nationality": "LA", "removals": 2, "first_on": "2018-10-16", "last_on": "2018-10-16"}
    ]
    assert "LA-1" not in str(agreement)
    requests = {r["id"]: r for r in agreement["partner_requests"]}
    assert requests["kh-request-voluntary-returns"]["when"] == "on or before 2017-09-14"
    assert requests["kh-request-voluntary-returns"]["sources"][0].startswith("Radio Free Asia")
    statements = {s["id"] for s in agreement["partner_statements"]}
    assert {"kh-2017-09-14-still-prepared", "kh-2020-10-willing-to-continue"} <= statements
    assert list_claims(sqlite_app, "LA")["agreement"] is None
