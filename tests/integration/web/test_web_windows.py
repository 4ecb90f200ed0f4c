"""A page's default window comes from the data: the ledger's last recorded day, not today."""

from __future__ import annotations

import warnings
from collections.abc import Callable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]
LAST_DAY = "2021-06-15"  # the seed's last case event: the removals on flight KH-2021-06


def test_the_countries_page_reads_up_to_the_last_recorded_day(client_as: Client) -> None:
    twin = client_as(None).get("/countries.json").json()
    assert twin["to"] == LAST_DAY
    kh = next(c for c in twin["countries"] if c["country"] == "KH")
    assert kh["metrics"]["removals"] > 0, "the default window holds the record's figures"
    page = client_as(None).get("/countries").text
    assert f'href="/countries/KH?to={LAST_DAY}"' in page, "its links keep the window"


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
