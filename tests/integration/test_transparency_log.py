"""The transparency log on SQLite and PostgreSQL: every way an insider with the database alone
can bend the record is caught by ``audit verify`` with the public key pinned.

Each test records a history through the services, signs a tree head (which also starts the
write seals), records more, then tampers with the database the way an insider would and checks
that verification names the first event that does not hold.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from readmit.domain.events import GENESIS_HASH, NewEvent, canonical_json, seal
from readmit.domain.merkle import verify_inclusion
from readmit.services.access import users
from readmit.services.cases.commands import CaseEvent, NewCase, open_case, record_case_event
from readmit.services.context import Actor, App
from readmit.services.ops import audit
from readmit.services.transparency import heads, keys, proofs, sign_tree_head
from readmit.store.ledger import event_from_row
from readmit.store.schema import events, ledger_head

OFFICER = Actor("officer", "case_officer")
D = date.fromisoformat


def record(app: App, case_id: str, *steps: tuple[str, str]) -> None:
    for event, on in steps:
        record_case_event(app, OFFICER, CaseEvent(case_id=case_id, event=event, on=D(on)))


def sql(app: App, *statements: str) -> None:
    """Change the database behind readmit's back, as an insider with its password would."""
    with app.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


@pytest.fixture
def logged(db_app: App, tmp_path: Path) -> dict[str, Any]:
    """A history with a signed head in the middle and sealed writes after it; the key's file."""
    open_case(db_app, OFFICER, new=NewCase("A1", "KH", D("2020-01-01"), True, "detained"))
    record(db_app, "A1", ("presented", "2020-02-01"), ("interview_scheduled", "2020-02-10"))
    head = sign_tree_head(db_app, reason="test")
    assert head is not None
    open_case(db_app, OFFICER, new=NewCase("A2", "LA", D("2020-01-02"), True, "detained"))
    record(db_app, "A2", ("presented", "2020-02-02"), ("released", "2020-02-03"))
    last = sign_tree_head(db_app, reason="test")
    assert last is not None
    record(db_app, "A1", ("interview_held", "2020-02-20"))
    key = tmp_path / "readmit-public.pem"
    key.write_text(keys.public_pem(db_app))
    return {"app": db_app, "first": head, "last": last, "key": key}


def verify(logged: dict[str, Any]) -> audit.VerifyResult:
    return audit.verify_ledger(logged["app"], key=logged["key"])


def tip(app: App) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(select(ledger_head.c.seq)).scalar_one())


def caught(result: audit.VerifyResult, seq: int, words: str) -> None:
    assert not result.ok, result
    assert result.first_bad_seq == seq, result
    assert words in result.reason, result.reason


def test_an_untouched_log_verifies_against_every_signed_head_with_the_key_pinned(
    logged: dict[str, Any],
) -> None:
    result = verify(logged)
    assert result.ok, result.reason
    assert result.key_pinned and result.signed_size == logged["last"]["size"]
    assert result.heads_checked == 4  # two heads, each in the file and in the store


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("UPDATE events SET payload = '{{\"forged\":true}}' WHERE seq = {seq}", "altered"),
        ("UPDATE events SET occurred_on = '2019-01-01' WHERE seq = {seq}", "altered"),
        ("UPDATE events SET actor = 'nobody' WHERE seq = {seq}", "altered"),
        ("DELETE FROM events WHERE seq = {seq}", "missing"),
    ],
    ids=["edit-a-payload", "edit-a-date", "edit-an-actor", "delete-a-middle-row"],
)
def test_an_edit_or_a_deleted_row_in_the_middle_is_caught_at_its_event(
    logged: dict[str, Any], statement: str, words: str
) -> None:
    middle = logged["first"]["size"] - 1
    sql(logged["app"], statement.format(seq=middle))
    caught(verify(logged), middle, words)


def test_reordering_two_events_is_caught_where_the_order_breaks(logged: dict[str, Any]) -> None:
    a = logged["first"]["size"] - 1
    sql(
        logged["app"],
        f"UPDATE events SET seq = -1 WHERE seq = {a}",
        f"UPDATE events SET seq = {a} WHERE seq = {a + 1}",
        f"UPDATE events SET seq = {a + 1} WHERE seq = -1",
    )
    caught(verify(logged), a, "previous hash")


def test_deleting_the_tail_and_moving_the_head_is_caught_by_the_head_outside_the_store(
    logged: dict[str, Any],
) -> None:
    app, keep = logged["app"], logged["first"]["size"]
    sql(
        app,
        f"DELETE FROM events WHERE seq > {keep}",
        f"UPDATE ledger_head SET seq = {keep}, hash = '{logged['first']['chain_hash']}'",
        f"DELETE FROM tree_heads WHERE size > {keep}",
        f"DELETE FROM event_seals WHERE last_seq > {keep}",
    )
    caught(verify(logged), keep + 1, "events were removed")


def test_deleting_everything_is_caught_by_the_heads_outside_the_store(
    logged: dict[str, Any],
) -> None:
    sql(
        logged["app"],
        "DELETE FROM events",
        "DELETE FROM tree_heads",
        "DELETE FROM event_seals",
        "DELETE FROM merkle_nodes",
        f"UPDATE ledger_head SET seq = 0, hash = '{GENESIS_HASH}'",
    )
    result = verify(logged)
    caught(result, 1, "events were removed")
    assert result.events == 0


def rewrite_from(app: App, forged_seq: int) -> None:
    """Forge one event and re-seal every later one and the head: a self-consistent rewrite."""
    with app.engine.begin() as conn:
        chain = [event_from_row(r) for r in conn.execute(select(events).order_by(events.c.seq))]
        prev = chain[forged_seq - 2].hash
        for old in chain[forged_seq - 1 :]:
            payload = {"forged": True} if old.seq == forged_seq else old.payload
            new = NewEvent(
                old.type,
                old.subject_type,
                old.subject_id,
                old.occurred_on,
                old.actor,
                old.role,
                payload,
                old.source,
            )
            event = seal(new, old.seq, old.id, old.recorded_at, prev)
            conn.execute(
                events.update()
                .where(events.c.seq == old.seq)
                .values(payload=canonical_json(payload), prev_hash=prev, hash=event.hash)
            )
            prev = event.hash
        conn.execute(ledger_head.update().values(hash=prev))
        conn.exec_driver_sql("DELETE FROM tree_heads")
        conn.exec_driver_sql("DELETE FROM event_seals")


def test_recomputing_the_whole_chain_after_an_edit_is_caught_by_the_signed_root(
    logged: dict[str, Any],
) -> None:
    rewrite_from(logged["app"], forged_seq=3)
    caught(verify(logged), logged["first"]["size"], "history was rewritten")


def forged_event(app: App) -> None:
    """Append an event with a correct chain hash and move the head, as readmit would."""
    with app.engine.begin() as conn:
        seq, prev = conn.execute(select(ledger_head.c.seq, ledger_head.c.hash)).one()
        new = NewEvent("closed", "case", "A1", D("2020-03-01"), "officer", "case_officer", {})
        event = seal(new, seq + 1, "f" * 32, "2026-01-01T00:00:00.000000Z", prev)
        conn.execute(
            events.insert().values(
                seq=event.seq,
                id=event.id,
                type=event.type,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                occurred_on=event.occurred_on,
                recorded_at=event.recorded_at,
                actor=event.actor,
                role=event.role,
                payload=canonical_json(event.payload),
                source=None,
                prev_hash=prev,
                hash=event.hash,
            )
        )
        conn.execute(ledger_head.update().values(seq=event.seq, hash=event.hash))


def test_an_event_appended_outside_readmit_is_caught_because_no_write_sealed_it(
    logged: dict[str, Any],
) -> None:
    before = tip(logged["app"])
    assert verify(logged).ok
    forged_event(logged["app"])
    caught(verify(logged), before + 1, "appended outside readmit")


def other_key_head(head: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A head re-signed with a key that is not the installation's."""
    other = Ed25519PrivateKey.generate()
    forged = {**head, **changes}
    forged["signature"] = base64.b64encode(other.sign(heads.statement(forged))).decode()
    raw = other.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    forged["public_key"] = base64.b64encode(raw).decode()
    return forged


def test_a_head_forged_with_another_key_is_refused_when_the_key_is_pinned(
    logged: dict[str, Any], tmp_path: Path
) -> None:
    app = logged["app"]
    rewrite_from(app, forged_seq=3)
    with app.engine.connect() as conn:
        size, chain = conn.execute(select(ledger_head.c.seq, ledger_head.c.hash)).one()
    # The insider replaces the whole heads file with one head of their own over the rewrite.
    with app.connect() as conn:
        from readmit.services.transparency.proofs import _root

        root = _root(conn, size).hex()
    forged = other_key_head(logged["last"], size=size, chain_hash=chain, root_hash=root)
    path = heads.heads_file(app)
    path.write_text(json.dumps(forged) + "\n")
    caught(verify(logged), size, "not signed by the pinned key")
    # Without the pin, the installation's own key still refuses it.
    caught(audit.verify_ledger(app), size, "not signed by this installation's key")


def test_a_malformed_payload_or_a_date_that_is_not_a_date_is_reported_with_its_number(
    logged: dict[str, Any],
) -> None:
    app, seq = logged["app"], logged["first"]["size"]
    sql(app, f"UPDATE events SET payload = '{{not json' WHERE seq = {seq}")
    caught(verify(logged), seq, "not valid JSON")
    if app.engine.dialect.name == "sqlite":  # PostgreSQL's date column holds only dates
        sql(app, f"UPDATE events SET payload = '{{}}', occurred_on = 'soon' WHERE seq = {seq - 1}")
        caught(verify(logged), seq - 1, "is not a date")


def test_a_head_is_not_signed_over_a_log_that_does_not_extend_the_last_one(
    logged: dict[str, Any],
) -> None:
    rewrite_from(logged["app"], forged_seq=3)
    assert sign_tree_head(logged["app"], reason="test") is None
    caught(verify(logged), logged["first"]["size"], "history was rewritten")


def test_incremental_verification_resumes_where_it_stopped_and_catches_a_rewrite_before(
    logged: dict[str, Any],
) -> None:
    app = logged["app"]
    first = audit.verify_incremental(app)
    assert first.ok and first.verified_from == 0, first.reason
    record(app, "A2", ("interview_scheduled", "2020-04-01"))
    second = audit.verify_incremental(app)
    assert second.ok and second.verified_from == first.head_seq, second.reason
    rewrite_from(app, forged_seq=3)
    caught(audit.verify_incremental(app), second.head_seq, "verified before")


def test_the_api_verification_runs_once_per_interval_and_gives_the_last_result_between(
    logged: dict[str, Any],
) -> None:
    app = logged["app"]
    app.settings.audit_verify_interval_seconds = 3600
    assert not audit.verify_for_api(app).cached
    record(app, "A2", ("interview_scheduled", "2020-04-01"))
    again = audit.verify_for_api(app)
    assert again.cached and again.ok


def test_a_partner_receipt_proves_its_response_is_in_a_signed_head_and_kept_heads_are_checked(
    logged: dict[str, Any],
) -> None:
    app = logged["app"]
    receipt = proofs.receipt(app, tip(app))
    assert receipt is not None
    head = receipt["head"]
    assert heads.signature_ok(head, keys.own_public(app))
    assert verify_inclusion(
        receipt["leaf_index"],
        head["size"],
        bytes.fromhex(receipt["leaf_hash"]),
        [bytes.fromhex(p) for p in receipt["proof"]],
        bytes.fromhex(head["root_hash"]),
    )
    record(app, "A2", ("interview_scheduled", "2020-04-01"))
    sign_tree_head(app, reason="test")
    assert proofs.check_kept_head(app, logged["first"])["verdict"] == "consistent"
    rewrite_from(app, forged_seq=3)
    sql(app, "DELETE FROM merkle_nodes")
    with app.engine.begin() as conn:  # the insider also signs nothing: the store's heads go
        conn.exec_driver_sql("DELETE FROM tree_heads")
    assert proofs.check_kept_head(app, logged["first"])["extends"] is False
    forged = other_key_head(logged["first"])
    assert proofs.check_kept_head(app, forged)["verdict"] == "not_signed_by_this_log"


def test_a_copy_of_the_heads_kept_elsewhere_catches_a_rewrite_that_also_removed_the_file(
    logged: dict[str, Any], tmp_path: Path
) -> None:
    app = logged["app"]
    kept = tmp_path / "partner-copy.jsonl"
    kept.write_text(heads.heads_file(app).read_text())
    rewrite_from(app, forged_seq=3)
    heads.heads_file(app).unlink()
    alone = verify(logged)
    caught(alone, 1, "no tree head signed by the pinned key")
    against = audit.verify_ledger(app, key=logged["key"], heads=kept)
    caught(against, logged["first"]["size"], "history was rewritten")


def test_a_role_changed_in_the_database_fails_the_verification_naming_the_user(
    logged: dict[str, Any],
) -> None:
    app = logged["app"]
    users.add_user(app, Actor("root", "admin"), name="an", role="analyst")
    assert sign_tree_head(app, reason="test") is not None
    assert verify(logged).ok
    sql(app, "UPDATE users SET role = 'determining_authority' WHERE name = 'an'")
    result = verify(logged)
    assert not result.ok and "user an" in result.reason, result
    assert [p["subject"] for p in result.record_problems] == ["user an"]
