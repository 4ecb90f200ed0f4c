"""Audit: verify the hash chain and the Merkle tree against the signed heads outside the store.

``verify_ledger`` recomputes everything: each event's hash and its link to the one before, the
tree's root at the size of every signed head (in the heads file and in the store), that no head
covers more events than the store holds, and that the tip of the chain is attested by a seal or
a head signed with the key (pinned with ``key``). ``verify_incremental`` does the same from the
position the last verification reached, which it records, so a server can answer
``GET /audit/verify`` without re-reading the whole log; ``verify_for_api`` runs it at most once
per ``audit_verify_interval_seconds`` and gives callers in between the last result.
``write_checkpoint`` and ``checkpoint`` keep the older single-file checkpoints working.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from readmit.domain.errors import InvalidInput
from readmit.domain.events import canonical_json, utc_now, utc_text
from readmit.domain.merkle import Frontier
from readmit.services.access import accounts_check
from readmit.services.context import App
from readmit.services.ops.aggregates_check import check_aggregates
from readmit.services.ops.audit_heads import Evidence, gather
from readmit.services.ops.audit_scan import Scan, scan
from readmit.services.transparency import keys
from readmit.store import merkle_store as tree

KEY_FILE = keys.KEY_FILE


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""
    checkpoint_seq: int | None = None  # the signed checkpoint the log was proved to extend
    heads_checked: int = 0  # signed tree heads the log was held against
    signed_size: int | None = None  # the size of the latest signed head
    key_pinned: bool = False
    verified_from: int = 0  # the event after which this verification started
    cached: bool = False  # an earlier result, given again (GET /audit/verify)
    # Rows of the accounts and persons tables that differ from what the chain says of them.
    record_problems: tuple[dict[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def verify_ledger(
    app: App,
    checkpoint: Path | None = None,
    *,
    key: Path | None = None,
    heads: Path | None = None,
) -> VerifyResult:
    """Recompute the whole chain and tree; hold them against every signed head and seal."""
    signed = _read_checkpoint(app, checkpoint, key) if checkpoint else None
    with app.uow(write=False) as uow:
        evidence = gather(app, uow.conn, key=key, heads=heads)
        sizes = {int(h["size"]) for h in evidence.heads} | ({signed[0]} if signed else set())
        state = scan(uow.conn, Scan(), sizes)
        head = uow.ledger.head()
        result = _with_records(_judge(uow.conn, evidence, state, head, start=0), uow.conn)
    if result.ok and signed and _chain_at(app, signed[0]) != signed[1]:
        return _failed(
            state,
            head,
            signed[0],
            "the log no longer extends the signed checkpoint (history was rewritten)",
        )
    return dataclasses.replace(result, checkpoint_seq=signed[0] if signed and result.ok else None)


def verify_incremental(app: App) -> VerifyResult:
    """Verify the events after the last verified position, and the heads; record the new one."""
    with app.uow(write=False) as uow:
        start, problem = _resume(uow.conn)
        evidence = gather(app, uow.conn, key=None, heads=None, since=start.last_seq)
        head = uow.ledger.head()
        if problem:
            return _failed(start, head, start.last_seq, problem)
        sizes = {int(h["size"]) for h in evidence.heads if int(h["size"]) >= start.last_seq}
        begun = start.last_seq
        state = scan(uow.conn, start, sizes)
        result = _judge(uow.conn, evidence, state, head, start=begun)
    if result.ok:
        with app.connect(write=True) as conn, conn.begin():
            tree.save_verified(
                conn, state.last_seq, state.last_hash, state.frontier.to_hex(), utc_text(utc_now())
            )
    return dataclasses.replace(result, verified_from=begun)


def verify_for_api(app: App) -> VerifyResult:
    """``verify_incremental`` at most once per interval per server; callers between get the
    last result (marked ``cached``), and callers at the same moment wait for one run."""
    lock = app.memo.setdefault("audit.verify.lock", threading.Lock())
    with lock:
        last = app.memo.get("audit.verify.last")
        interval = app.settings.audit_verify_interval_seconds
        if last is not None and time.monotonic() - last[0] < interval:
            earlier: VerifyResult = last[1]
            return dataclasses.replace(earlier, cached=True)
        result = verify_incremental(app)
        app.memo["audit.verify.last"] = (time.monotonic(), result)
        return result


def _resume(conn: Connection) -> tuple[Scan, str]:
    position = tree.verified_position(conn)
    if position is None:
        return Scan(), ""
    seq, chain, hashes = position
    state = Scan(last_seq=seq, last_hash=chain, count=seq)
    try:
        state.frontier = Frontier.from_hex(seq, hashes)
    except ValueError:
        return Scan(), ""
    if tree.chain_hash_at(conn, seq) != chain:
        return state, (
            f"event {seq} is not the one verified before: history up to it was cut or rewritten"
        )
    return state, ""


def _failed(state: Scan, head: tuple[int, str], seq: int, reason: str, **more: Any) -> VerifyResult:
    return VerifyResult(
        ok=False,
        events=state.count,
        head_seq=head[0],
        head_hash=head[1],
        first_bad_seq=seq,
        reason=reason,
        **more,
    )


def _judge(
    conn: Connection, evidence: Evidence, state: Scan, head: tuple[int, str], *, start: int
) -> VerifyResult:
    heads = sorted(evidence.heads, key=lambda h: int(h["size"]))
    more: dict[str, Any] = {
        "heads_checked": len(heads),
        "signed_size": int(heads[-1]["size"]) if heads else None,
        "key_pinned": evidence.pinned,
    }
    if evidence.problem:
        return _failed(state, head, evidence.problem[0], evidence.problem[1], **more)
    if state.broken:
        return _failed(state, head, state.broken.seq, state.broken.reason, **more)
    if (state.last_seq, state.last_hash) != head:
        reason = (
            f"the log ends at {state.last_seq} but its recorded head is {head[0]}: "
            "events were removed from the end"
        )
        return _failed(state, head, state.last_seq + 1, reason, **more)
    for signed in heads:
        size = int(signed["size"])
        at = f"the head of {size} events signed at {signed['signed_at']} ({signed['where']})"
        if size > state.last_seq:
            held = state.last_seq
            reason = f"{at} covers more than the {held} events the store holds: events were removed"
            return _failed(state, head, state.last_seq + 1, reason, **more)
        if size >= start and state.roots.get(size) != signed["root_hash"]:
            reason = f"the log's first {size} events are not those of {at}: history was rewritten"
            return _failed(state, head, size, reason, **more)
        if size < start and tree.chain_hash_at(conn, size) != signed["chain_hash"]:
            reason = f"event {size} is not the one {at} names: history was rewritten"
            return _failed(state, head, size, reason, **more)
    if evidence.store_heads and not evidence.file_heads:
        reason = (
            f"the store holds signed tree heads but {evidence.path} has none: the file outside "
            "the store was removed, or name it with --heads"
        )
        return _failed(state, head, 0, reason, **more)
    if evidence.pinned and not heads and state.last_seq:
        reason = (
            f"no tree head signed by the pinned key covers the {state.last_seq} events: the "
            f"heads were removed from the store and from {evidence.path}; check against a copy "
            "kept elsewhere (--heads)"
        )
        return _failed(state, head, 1, reason, **more)
    if evidence.in_use and evidence.attested_upto() < state.last_seq:
        first = evidence.attested_upto() + 1
        reason = (
            f"events {first} to {state.last_seq} carry no seal or signed head of the key: they "
            "were appended outside readmit (or a write stopped before it signed)"
        )
        return _failed(state, head, first, reason, **more)
    return VerifyResult(ok=True, events=state.count, head_seq=head[0], head_hash=head[1], **more)


def _with_records(result: VerifyResult, conn: Connection) -> VerifyResult:
    # The users table and the personal records are projections the chain attests: a row that
    # differs from its events (a role changed in the database) fails the verification. So does
    # a count the pages read that differs from the facts it is kept from.
    found = [
        *accounts_check.check_accounts(conn),
        *accounts_check.check_persons(conn),
        *check_aggregates(conn),
    ]
    if not found:
        return result
    problems = tuple(dataclasses.asdict(p) for p in found)
    if not result.ok:
        return dataclasses.replace(result, record_problems=problems)
    first = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    reason = f"{first.subject}: {first.message}{more}"
    return dataclasses.replace(
        result, ok=False, first_bad_seq=None, reason=reason, record_problems=problems
    )


def _chain_at(app: App, seq: int) -> str | None:
    with app.connect() as conn:
        return tree.chain_hash_at(conn, seq)


def write_checkpoint(app: App, output: Path) -> dict[str, Any]:
    """Sign the current head with the installation's key and write it to ``output``."""
    key = keys.signing_key(app)
    with app.uow(write=False) as uow:
        seq, head_hash = uow.ledger.head()
    body = {"seq": seq, "hash": head_hash, "signed_at": utc_text(utc_now())}
    signature = base64.b64encode(key.sign(canonical_json(body).encode())).decode()
    document = {**body, "public_key": keys.public_b64(key.public_key()), "signature": signature}
    output.write_text(json.dumps(document, indent=2) + "\n")
    return document


def _read_checkpoint(app: App, path: Path, key: Path | None) -> tuple[int, str]:
    try:
        document = json.loads(path.read_text())
        body = {k: document[k] for k in ("seq", "hash", "signed_at")}
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(document["public_key"]))
        public.verify(base64.b64decode(document["signature"]), canonical_json(body).encode())
    except (OSError, ValueError, KeyError, TypeError, InvalidSignature) as error:
        raise InvalidInput(
            f"checkpoint {path} cannot be read or its signature is bad: {error}"
        ) from error
    # A pinned key, else this installation's key where it has one, must have signed it; an
    # outside verifier with neither checks it against the key embedded in the file.
    expected = keys.read_public_key(key) if key else None
    if expected is None and keys.has_key(app):
        expected = keys.own_public(app)
    if expected is not None and document["public_key"] != expected:
        raise InvalidInput(f"checkpoint {path} was not signed by this installation's key")
    return int(body["seq"]), str(body["hash"])
