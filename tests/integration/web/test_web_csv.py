"""Every table page has a CSV twin, cut from the same context as its JSON twin, and a dated
permalink that reads the same figures tomorrow."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from html import unescape

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]
LAST_DAY = "2021-06-15"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_countries_csv_holds_the_rows_and_values_the_page_shows(client_as: Client) -> None:
    visitor = client_as(None)
    answer = visitor.get("/countries.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    first = answer.text.splitlines()[0]
    assert first == (
        "country,country_name,rating,backlog,presentations,travel_documents_issued,"
        "removals,contested_events"
    ), "the first line is the header of plain column names, no comment"
    twin = visitor.get("/countries.json").json()
    rows = rows_of(answer.text)
    assert [r["country"] for r in rows] == [c["country"] for c in twin["countries"]]
    kh = next(r for r in rows if r["country"] == "KH")
    kh["contested"] = kh["contested_events"]
    shown = next(c for c in twin["countries"] if c["country"] == "KH")
    assert kh["country_name"] == "Cambodia" and kh["rating"] == shown["rating"]
    assert int(kh["removals"]) == shown["metrics"]["removals"] > 0
    assert int(kh["backlog"]) == shown["metrics"]["backlog"]
    # The page shows the same figures in its table.
    page = visitor.get("/countries").text
    row = page.split('href="/countries/KH?')[1].split("</tr>")[0]
    cells = [unescape(c) for c in re.findall(r'class="num">([^<]*)</td>', row)]
    assert [c.replace(",", "") for c in cells] == [
        kh[k]
        for k in ("backlog", "presentations", "travel_documents_issued", "removals", "contested")
    ]


def test_the_csv_names_its_source_and_its_page_in_headers_not_in_the_data(
    client_as: Client,
) -> None:
    answer = client_as(None).get("/countries.csv", params={"to": LAST_DAY})
    assert "the ledger at position" in answer.headers["readmit-source"]
    link = answer.headers["link"]
    assert link.startswith("</countries?") and 'rel="alternate"' in link
    assert f"to={LAST_DAY}" in link and "from=2020-06-16" in link and "at=" in link
    assert f'filename="countries-{LAST_DAY}.csv"' in answer.headers["content-disposition"]
    assert "ledger" not in answer.text


def test_a_table_page_shows_a_permalink_with_every_date_and_the_ledger_position(
    client_as: Client,
) -> None:
    visitor = client_as(None)
    page = visitor.get("/countries").text
    permalink = unescape(page.split('rel="bookmark"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert permalink.startswith("/countries?")
    for part in (f"to={LAST_DAY}", "from=2020-06-16", "at="):
        assert part in permalink
    assert 'href="/countries.csv?' in page and "Download the table as CSV" in page
    pinned = visitor.get(permalink.replace("/countries?", "/countries.json?")).json()
    assert pinned["countries"] == visitor.get("/countries.json").json()["countries"]


def test_a_ledger_position_outside_the_ledger_is_refused_in_words(client_as: Client) -> None:
    answer = client_as(None).get("/countries.csv", params={"at": "99999999"})
    assert answer.status_code == 400 and "outside the ledger" in answer.json()["message"]
    bad = client_as(None).get("/countries", params={"at": "latest"})
    assert bad.status_code == 400 and "ledger position" in bad.text


def test_a_country_csv_holds_each_quarter_the_page_charts(client_as: Client) -> None:
    visitor = client_as(None)
    twin = visitor.get("/countries/KH.json").json()
    answer = visitor.get("/countries/KH.csv")
    rows = rows_of(answer.text)
    assert [r["quarter"] for r in rows] == [q["quarter"] for q in twin["quarters"]]
    flows = twin["charts"][0]["rows"]
    for row in rows:
        removals = next(
            f["count"]
            for f in flows
            if f["quarter"] == row["quarter"] and f["figure"] == "removals"
        )
        assert int(row["removals"]) == removals
    assert [r["rating"] for r in rows] == [r["rating"] for r in twin["ratings"]]
    assert f'filename="countries-KH-{LAST_DAY}.csv"' in answer.headers["content-disposition"]


def test_the_analyst_csv_keeps_a_country_bound_role_to_its_own_country(
    client_as: Client,
) -> None:
    analyst = rows_of(client_as("analyst").get("/analyst.csv").text)
    assert {r["country"] for r in analyst} >= {"KH"} and len(analyst) >= 1
    assert "partner_rating" in analyst[0]
    liaison = client_as("liaison-sl").get("/analyst.csv")
    if liaison.status_code == 200:
        assert {r["country"] for r in rows_of(liaison.text)} <= {"SL"}
    else:
        assert liaison.status_code == 403
    assert client_as(None).get("/analyst.csv").status_code in (401, 403)


def test_the_registry_csv_lists_the_sanctions_the_page_lists_on_its_day(
    client_as: Client,
) -> None:
    visitor = client_as(None)
    day = "2021-06-15"
    twin = visitor.get("/sanctions.json", params={"on": day}).json()
    answer = visitor.get("/sanctions.csv", params={"on": day})
    rows = rows_of(answer.text)
    assert rows, "the seeded registry holds sanctions"
    assert [(r["id"], r["status"]) for r in rows] == [
        (s["id"], s["status"]) for s in twin["sanctions"]
    ]
    assert {r["in_force"] for r in rows} <= {"true", "false"}
    assert f"on={day}" in answer.headers["link"]
    page = visitor.get("/sanctions", params={"on": day}).text
    assert f'href="/sanctions.csv?on={day}"' in page and ">Permalink</a>" in page
