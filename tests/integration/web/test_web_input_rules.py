"""The dashboard refuses what the API and the importer refuse (``domain/validation``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]


def _post_event(client: TestClient, data: dict[str, str]) -> object:
    page = client.get("/cases/KH-ORDERED").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/cases/KH-ORDERED/events", data={**data, "csrf_token": token})


def test_a_case_closed_for_death_in_2031_is_refused_and_nothing_is_recorded(
    client_as: Client,
) -> None:
    client = client_as("officer")
    answer = _post_event(
        client, {"event": "closed", "reason": "death", "occurred_on": "2031-05-01"}
    )
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert "occurred_on 2031-05-01 is in the future" in answer.text  # type: ignore[attr-defined]
    history = client.get("/cases/KH-ORDERED.json").json()["history"]
    assert [e["type"] for e in history] == ["case_opened"]


def test_an_overlong_or_nul_reason_is_refused_naming_the_field(client_as: Client) -> None:
    client = client_as("officer")
    long = _post_event(client, {"event": "released", "reason": "x" * 2001})
    assert long.status_code == 400  # type: ignore[attr-defined]
    assert "reason is 2,001 characters long" in long.text  # type: ignore[attr-defined]
    nul = _post_event(client, {"event": "released", "reason": "a\x00b"})
    assert nul.status_code == 422  # type: ignore[attr-defined]
    assert "'reason' holds a NUL character" in nul.text  # type: ignore[attr-defined]
