"""A page's default window comes from the data: the ledger's last recorded day, not today."""

from __future__ import annotations

import warnings
from collections.abc import Callable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]
LAST_DAY = "2021-06-15"  # the seed's last case event: the removals on flight KH-2021-06
YEAR_BEFORE = "2020-06-16"  # From, by default: the twelve months to To


def test_the_countries_page_reads_up_to_the_last_recorded_day(client_as: Client) -> None:
    twin = client_as(None).get("/countries.json").json()
    assert twin["to"] == LAST_DAY
    kh = next(c for c in twin["countries"] if c["country"] == "KH")
    assert kh["metrics"]["removals"] > 0, "the default window holds the record's figures"
    page = client_as(None).get("/countries").text
    assert f'href="/countries/KH?from={YEAR_BEFORE}&amp;to={LAST_DAY}"' in page, (
        "its links keep the window"
    )


def test_the_countries_page_offers_its_dates_filled_from_the_data(client_as: Client) -> None:
    page = client_as(None).get("/countries").text
    assert f'name="from" value="{YEAR_BEFORE}"' in page
    assert f'name="to" value="{LAST_DAY}"' in page
    assert 'name="as_of" value=""' in page
    chosen = client_as(None).get("/countries", params={"from": "2021-01-01", "to": LAST_DAY}).text
    assert f'href="/countries/KH?from=2021-01-01&amp;to={LAST_DAY}"' in chosen


def test_from_to_is_the_window_of_the_rating_and_figures_on_a_country_page(
    client_as: Client,
) -> None:
    twin = (
        client_as(None)
        .get("/countries/KH.json", params={"from": "2019-01-01", "to": LAST_DAY})
        .json()
    )
    assert (twin["assessment"]["from"], twin["assessment"]["to"]) == ("2019-01-01", LAST_DAY)
    # The charts have their own control, and draw quarters up to To.
    assert twin["charts_from"] == "2018-04-01"
    assert twin["quarters"][0]["from"] == "2018-04-01"
    assert twin["quarters"][-1]["to"] == LAST_DAY
    later = (
        client_as(None)
        .get("/countries/KH.json", params={"charts_from": "2020-01-01", "to": LAST_DAY})
        .json()
    )
    assert later["quarters"][0]["from"] == "2020-01-01"
    assert (later["assessment"]["from"], later["from"]) == (YEAR_BEFORE, YEAR_BEFORE)


def test_the_country_page_says_what_its_dates_mean(client_as: Client) -> None:
    page = client_as(None).get("/countries/KH").text
    assert "From–To is the window of the rating and of every figure on this page" in page
    assert 'name="charts_from" value="2018-04-01"' in page


def test_a_window_before_the_record_says_why_and_links_to_the_data(client_as: Client) -> None:
    page = client_as(None).get("/countries/KH", params={"from": "2005-01-01", "to": "2005-12-31"})
    assert page.status_code == 200
    assert "No case event for Cambodia recorded before" in page.text
    assert "Show " in page.text and 'href="?from=' in page.text
    everywhere = client_as(None).get(
        "/countries.json", params={"from": "2030-01-01", "to": "2030-12-31"}
    )
    nothing = everywhere.json()["nothing"]
    assert nothing["says"].startswith("No case event recorded after 15 June 2021")
    assert nothing["href"] == f"?from={YEAR_BEFORE}&to={LAST_DAY}"
    assert client_as(None).get("/countries.json").json()["nothing"] is None


def test_a_window_that_ends_before_it_starts_is_refused_in_words(client_as: Client) -> None:
    answer = client_as(None).get("/countries", params={"from": "2021-06-01", "to": "2021-01-01"})
    assert answer.status_code == 400
    assert "From (1 June 2021) is after To (1 January 2021)" in answer.text


def test_a_country_page_at_its_default_url_has_figures(client_as: Client) -> None:
    twin = client_as(None).get("/countries/KH.json").json()
    assert twin["to"] == LAST_DAY and twin["assessment"]["metrics"]["removals"] > 0


def test_recording_an_assessment_comes_back_to_the_same_window(client_as: Client) -> None:
    analyst = client_as("analyst")
    page = analyst.get("/analyst/countries/KH", params={"to": LAST_DAY}).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = analyst.post(
        "/analyst/countries/KH/record",
        data={"csrf_token": token, "from": "2020-06-16", "to": LAST_DAY},
        headers={"referer": "/analyst/countries/KH"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/analyst/countries/KH?from=2020-06-16&to={LAST_DAY}"
