"""The CSV twins of the case, arrivals, partner, flights, orders and determinations pages: the
rows and columns the page shows, in the viewer's scope, never a personal field or a flag the
page does not show."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Callable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]
PERSONAL = ("given_name", "family_name", "date_of_birth", "criminal", "Test")


def csv_of(client: TestClient, path: str, **params: str) -> list[dict[str, str]]:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    for word in PERSONAL:
        assert word not in answer.text, word
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_the_cases_csv_is_the_case_list_the_page_shows(client_as: Client) -> None:
    officer = client_as("officer")
    rows = csv_of(officer, "/cases.csv")
    twin = officer.get("/cases.json").json()["listing"]["rows"]
    assert [r["case_id"] for r in rows] == [r["case_id"] for r in twin]
    assert {"KH-REMOVED", "SL-PRESENTED"} <= {r["case_id"] for r in rows}
    removed = next(r for r in rows if r["case_id"] == "KH-REMOVED")
    assert removed == {
        "case_id": "KH-REMOVED",
        "nationality": "KH",
        "state": "removed",
        "final_order_date": "2021-01-04",
        "age_days": removed["age_days"],
        "custody": "detained",
        "expiry_warning": "",
    }
    assert int(removed["age_days"]) > 365
    # The filters the page was read with narrow its CSV too.
    sl = csv_of(officer, "/cases.csv", country="SL")
    assert [r["case_id"] for r in sl] == ["SL-PRESENTED"]
    page = officer.get("/cases", params={"country": "SL"}).text
    assert 'href="/cases.csv?country=SL" download>Download this page of cases as CSV' in page


def test_a_partner_liaison_gets_only_its_own_nationals(client_as: Client) -> None:
    liaison = client_as("liaison-kh")
    cases = csv_of(liaison, "/cases.csv")
    assert cases and {r["nationality"] for r in cases} == {"KH"}
    pending = csv_of(liaison, "/partner.csv")
    assert list(pending[0]) == ["case_id", "nationality", "state", "final_order_date", "age_days"]
    assert {r["case_id"] for r in pending} == {"KH-PRESENTED", "KH-INTERVIEW"}
    # Sierra Leone's liaison sees its own pending request, none of Cambodia's.
    other = csv_of(client_as("liaison-sl"), "/partner.csv")
    assert [(r["case_id"], r["nationality"]) for r in other] == [("SL-PRESENTED", "SL")]
    # The portal, in the liaison's language, offers the download in it.
    portal = liaison.get("/partner", params={"lang": "fr"}).text
    assert "Télécharger cette page des demandes en attente (CSV)" in portal


def test_the_arrivals_csv_lists_the_caseworker_s_country_both_lists(client_as: Client) -> None:
    rows = csv_of(client_as("kvao"), "/arrivals.csv")
    assert rows and all(r["case_id"].startswith("KH-") for r in rows)
    assert {(r["case_id"], r["state"], r["flight_id"]) for r in rows} >= {
        ("KH-REMOVED", "removed", "KH-2021-06"),
        ("KH-REMOVED-2", "removed", "KH-2021-06"),
    }
    assert set(rows[0]) == {"case_id", "state", "flight_id"}


def test_the_flights_csv_holds_each_flight_with_its_seats(client_as: Client) -> None:
    rows = csv_of(client_as("officer"), "/flights.csv")
    past = next(r for r in rows if r["flight_id"] == "KH-2021-06")
    assert past["departure_on"] == "2021-06-15" and past["destination"] == "KH"
    assert past["kind"] == "charter" and past["capacity"] == "40"
    assert past["seats_taken"] == "2"  # the two people removed on it
    assert {r["flight_id"] for r in rows} >= {"KH-2021-06", "KH-NEXT"}


def test_the_desks_csv_list_the_sanctions_awaiting_the_role_and_its_steps(
    client_as: Client,
) -> None:
    for user, path, step in (
        ("state", "/authority/orders", "amendment"),
        ("dhs", "/authority/determinations", "compliance notification"),
    ):
        client = client_as(user)
        rows = csv_of(client, f"{path}.csv")
        twin = client.get(f"{path}.json").json()["sanctions"]
        assert rows and [r["id"] for r in rows] == [s["id"] for s in twin], user
        assert list(rows[0]) == ["id", "country", "country_name", "title", "status", "next_steps"]
        kh = next(r for r in rows if r["id"] == "KH-2017")
        assert kh["country_name"] == "Cambodia" and kh["status"] == "in_force"
        assert step in kh["next_steps"].split(", "), user  # in words, not a field name


def test_a_role_that_may_not_see_a_page_gets_no_csv_of_it(client_as: Client) -> None:
    assert client_as("liaison-kh").get("/arrivals.csv").status_code == 403
    assert client_as("officer").get("/partner.csv").status_code == 403
    assert client_as("analyst").get("/authority/orders.csv").status_code == 403
    assert client_as(None).get("/cases.csv").status_code in {401, 403}
