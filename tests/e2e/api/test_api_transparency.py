"""The transparency log over HTTP: receipts for the partner, heads and proofs for anyone, a
verification that cannot be used to load the server."""

from __future__ import annotations

import time

from api_support import Api, add_role_users, make_client, seed_cases

from readmit.domain.merkle import verify_consistency, verify_inclusion
from readmit.services.context import App
from readmit.services.transparency import heads

CASE = "/api/v1/cases"
AUDIT = "/api/v1/audit"


def _hex(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_a_partner_response_comes_back_with_a_signed_head_and_the_proof_it_is_in_it(
    api: Api,
) -> None:
    api.post("case_officer", f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"})
    event_id = api.get("partner_liaison", f"{CASE}/KH-1/history").json()[-1]["event_id"]
    answer = api.post(
        "partner_liaison",
        f"{CASE}/KH-1/events/{event_id}/response",
        json={"stance": "acknowledged", "on": "2020-02-05"},
    ).json()
    receipt, key = answer["receipt"], api.get("public", f"{AUDIT}/public-key").json()
    head = receipt["head"]
    assert head["size"] >= answer["seq"] and heads.signature_ok(head, key["public_key"])
    assert receipt["leaf_index"] == answer["seq"] - 1
    assert verify_inclusion(
        receipt["leaf_index"],
        head["size"],
        bytes.fromhex(receipt["leaf_hash"]),
        _hex(receipt["proof"]),
        bytes.fromhex(head["root_hash"]),
    )
    # The partner keeps the head; later, the log it sees is proved to extend it.
    api.post("case_officer", f"{CASE}/KH-1/events/released", json={"occurred_on": "2020-03-01"})
    heads.sign_tree_head(api.app, reason="test")
    check = api.post("partner_liaison", f"{AUDIT}/heads/check", json=head)
    assert check.status_code == 200 and check.json()["verdict"] == "consistent"
    latest = check.json()["latest"]
    assert verify_consistency(
        head["size"],
        latest["size"],
        bytes.fromhex(head["root_hash"]),
        bytes.fromhex(latest["root_hash"]),
        _hex(check.json()["proof"]),
    )
    forged = {**head, "root_hash": "0" * 64}
    assert api.post("public", f"{AUDIT}/heads/check", json=forged).json()["extends"] is False


def test_heads_keys_and_consistency_proofs_are_open_and_inclusion_proofs_are_not(
    api: Api,
) -> None:
    head = heads.sign_tree_head(api.app, reason="test")
    assert head is not None
    latest = api.get("public", f"{AUDIT}/heads/latest")
    assert latest.status_code == 200 and latest.json()["root_hash"] == head["root_hash"]
    proof = api.get("public", f"{AUDIT}/proofs/consistency", params={"old": 1})
    assert proof.status_code == 200 and proof.json()["new_size"] == head["size"]
    assert api.get("public", f"{AUDIT}/proofs/inclusion", params={"seq": 1}).status_code == 401
    inclusion = api.get("analyst", f"{AUDIT}/proofs/inclusion", params={"seq": 1})
    assert inclusion.status_code == 200 and inclusion.json()["tree_size"] == head["size"]
    too_far = api.get("public", f"{AUDIT}/proofs/consistency", params={"old": 10**9})
    assert too_far.status_code == 422
    neither = api.get("analyst", f"{AUDIT}/proofs/inclusion")
    assert neither.status_code == 422


def test_verification_over_http_is_incremental_and_runs_once_per_interval(api: Api) -> None:
    api.app.settings.audit_verify_interval_seconds = 3600
    first = api.get("analyst", f"{AUDIT}/verify").json()
    assert first["ok"] and not first["cached"]
    second = api.get("case_officer", f"{AUDIT}/verify").json()
    assert second["cached"] and second["head_seq"] == first["head_seq"]
    api.app.settings.audit_verify_interval_seconds = 0
    api.post("case_officer", f"{CASE}/KH-1/events/presented", json={"occurred_on": "2020-02-01"})
    third = api.get("analyst", f"{AUDIT}/verify").json()
    assert third["ok"] and third["verified_from"] == first["head_seq"], third


def test_the_server_signs_heads_while_the_log_grows_and_once_more_when_it_stops(
    sqlite_app: App,
) -> None:
    sqlite_app.settings.tree_head_interval_seconds = 0.2
    tokens = add_role_users(sqlite_app)
    seed_cases(sqlite_app)
    with make_client(sqlite_app) as client:
        for _ in range(100):
            latest = heads.latest(sqlite_app)
            if latest is not None and latest["reason"] == "periodic":
                break
            time.sleep(0.1)
        assert latest is not None and latest["reason"] == "periodic"
        answer = client.post(
            f"{CASE}/KH-1/events/presented",
            json={"occurred_on": "2020-02-01"},
            headers={"Authorization": f"Bearer {tokens['case_officer']}"},
        )
        assert answer.status_code == 200
        sqlite_app.settings.tree_head_interval_seconds = 3600
    last = heads.latest(sqlite_app)
    assert last is not None and last["size"] > latest["size"]
    assert last["reason"] in ("periodic", "server stopped")
