"""The screening desk's decision date defaults to the ledger's last recorded day, as every
dated page's window does, says where it comes from, and can be changed."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date

import pytest

from readmit.services.assessment import figures

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Client = Callable[[str | None], TestClient]
LAST_DAY = "2021-06-15"  # the seed's last case event: the removals on flight KH-2021-06


def test_the_desk_offers_the_ledger_s_last_day_and_says_so(client_as: Client) -> None:
    page = client_as("consul").get("/screening").text
    assert f'<input type="date" name="decision_date" value="{LAST_DAY}"' in page
    assert "starts at 15 June 2021, the ledger&#39;s last recorded day" in page
    twin = client_as("consul").get("/screening.json").json()
    assert twin["default_decision_date"] == {
        "day": LAST_DAY,
        "from": "the ledger's last recorded day",
    }


def test_a_date_the_officer_names_is_kept_and_read(client_as: Client) -> None:
    client = client_as("consul")
    query = {
        "nationality": "KH",
        "post_country": "KH",
        "decision_date": "2022-03-01",
        "visa_class": "B1/B2",
    }
    page = client.get("/screening", params=query).text
    assert 'name="decision_date" value="2022-03-01"' in page
    # The inputs asked for are those of the measures in force on the day named (2022: the
    # Cambodian measure on the Foreign Ministry), not on the default day.
    assert 'name="employer"' in page
    before = client.get("/screening", params={**query, "decision_date": "2016-01-01"}).text
    assert 'name="employer"' not in before


def test_a_ledger_with_no_case_event_offers_today_and_says_why(
    client_as: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figures, "last_recorded_day", lambda app: None)
    found = client_as("consul").get("/screening.json").json()["default_decision_date"]
    assert found == {
        "day": date.today().isoformat(),
        "from": "today, as the ledger records no case event yet",
    }
