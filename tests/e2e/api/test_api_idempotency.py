"""Idempotency keys: the key's record commits with the effect; a retry never repeats it."""

from __future__ import annotations

from datetime import timedelta

from api_support import Api
from sqlalchemy import update

from readmit.domain.events import utc_now, utc_text
from readmit.store.auth_schema import idempotency_keys

CASE = "/api/v1/cases"


def _release(api: Api, key: str) -> object:
    return api.post(
        "case_officer",
        f"{CASE}/KH-1/events/released",
        json={"occurred_on": "2020-02-01"},
        headers={"Idempotency-Key": key},
    )


def _released(api: Api) -> int:
    history = api.get("case_officer", f"{CASE}/KH-1/history").json()
    return [h["type"] for h in history].count("released")


def test_the_keys_record_names_the_events_of_its_effect(api: Api) -> None:
    assert _release(api, "k-1").status_code == 200  # type: ignore[attr-defined]
    with api.app.engine.connect() as conn:
        row = conn.execute(idempotency_keys.select()).mappings().one()
    history = api.get("case_officer", f"{CASE}/KH-1/history").json()
    assert row["effect"] == f'["{history[-1]["event_id"]}"]'
    assert row["status_code"] == 200


def test_an_effect_whose_answer_was_lost_is_answered_from_its_events_not_repeated(
    api: Api,
) -> None:
    assert _release(api, "k-2").status_code == 200  # type: ignore[attr-defined]
    # What a server killed between the commit and storing the answer leaves behind.
    with api.app.engine.begin() as conn:
        conn.execute(
            update(idempotency_keys).values(
                status_code=None,
                response_body=None,
                created_at=utc_text(utc_now() - timedelta(minutes=1)),
            )
        )
    again = _release(api, "k-2")
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.headers["idempotent-replayed"] == "effect"  # type: ignore[attr-defined]
    body = again.json()  # type: ignore[attr-defined]
    assert body["code"] == "idempotent_effect_replayed" and len(body["details"]["events"]) == 1
    assert _released(api) == 1


def test_a_refused_request_stores_its_answer_and_has_no_effect(api: Api) -> None:
    bad = api.post(
        "case_officer",
        f"{CASE}/KH-1/events/closed",
        json={"occurred_on": "2020-02-01"},
        headers={"Idempotency-Key": "k-3"},
    )
    assert bad.status_code == 422
    again = api.post(
        "case_officer",
        f"{CASE}/KH-1/events/closed",
        json={"occurred_on": "2020-02-01"},
        headers={"Idempotency-Key": "k-3"},
    )
    assert again.status_code == 422 and again.headers["idempotent-replayed"] == "true"
    assert again.content == bad.content
