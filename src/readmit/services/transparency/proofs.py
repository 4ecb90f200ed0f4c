"""Inclusion and consistency proofs over the signed tree, and the partner's receipts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from readmit.domain.errors import InvalidInput, NotFound
from readmit.domain.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
)
from readmit.services.context import App
from readmit.services.transparency.heads import latest as heads_latest
from readmit.services.transparency.heads import sign_tree_head, signature_ok
from readmit.services.transparency.keys import own_public
from readmit.store import merkle_store as tree
from readmit.store.schema import events, ledger_head


def _published(app: App, head: tree.StoredHead | None) -> dict[str, Any] | None:
    return None if head is None else {**head.public(), "public_key": own_public(app)}


def _tree_size(conn: Connection, size: int | None) -> int:
    current = int(conn.execute(select(ledger_head.c.seq)).scalar() or 0)
    if size is None:
        head = tree.latest_head(conn)
        return head.size if head is not None else current
    if not 0 <= size <= current:
        raise InvalidInput(f"the log has {current} events; there is no tree of {size}")
    return size


def _root(conn: Connection, size: int) -> bytes:
    return tree.Subtrees(conn)(0, size) if size else EMPTY_ROOT


def inclusion(
    app: App, *, event_id: str | None = None, seq: int | None = None, size: int | None = None
) -> dict[str, Any]:
    """Prove that one event (by id or sequence number) is in the tree of ``size`` events
    (by default the latest signed head's)."""
    with app.connect() as conn:
        query = select(events.c.seq, events.c.id, events.c.hash)
        query = (
            query.where(events.c.id == event_id) if event_id else query.where(events.c.seq == seq)
        )
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"no event {event_id or seq!r} in the log")
        tree_size = _tree_size(conn, size)
        if row.seq > tree_size:
            raise InvalidInput(
                f"event {row.seq} is not yet in the tree of {tree_size} events signed last; "
                "ask again after the next head, or name a larger size"
            )
        subtree = tree.Subtrees(conn)
        proof = inclusion_proof(row.seq - 1, tree_size, subtree)
        root = _root(conn, tree_size)
        head = tree.head_of_size(conn, tree_size)
    return {
        "event_id": row.id,
        "seq": row.seq,
        "leaf_index": row.seq - 1,
        "chain_hash": row.hash,
        "leaf_hash": leaf_hash(bytes.fromhex(row.hash)).hex(),
        "tree_size": tree_size,
        "root_hash": root.hex(),
        "proof": [p.hex() for p in proof],
        "head": _published(app, head),
    }


def consistency(app: App, *, old: int, new: int | None = None) -> dict[str, Any]:
    """Prove that the tree of ``old`` events is a prefix of the tree of ``new`` (by default the
    latest signed head's)."""
    with app.connect() as conn:
        new_size = _tree_size(conn, new)
        if not 0 <= old <= new_size:
            raise InvalidInput(f"a tree of {old} events cannot be a prefix of one of {new_size}")
        proof = consistency_proof(old, new_size, tree.Subtrees(conn))
        old_root, new_root = _root(conn, old), _root(conn, new_size)
        head = tree.head_of_size(conn, new_size)
    return {
        "old_size": old,
        "new_size": new_size,
        "old_root": old_root.hex(),
        "new_root": new_root.hex(),
        "proof": [p.hex() for p in proof],
        "head": _published(app, head),
    }


def check_kept_head(app: App, kept: dict[str, Any]) -> dict[str, Any]:
    """Tell a partner whether today's log extends a head it kept (and prove it)."""
    public = own_public(app)
    if not signature_ok(kept, public):
        return {
            "verdict": "not_signed_by_this_log",
            "extends": False,
            "kept": kept,
            "explanation": "the head's signature is not by this installation's key",
        }
    latest = heads_latest(app) or {}
    size = int(kept["size"])
    if not latest or size > int(latest["size"]):
        return {
            "verdict": "inconsistent",
            "extends": False,
            "kept": kept,
            "latest": latest or None,
            "explanation": f"the log no longer holds the {size} events of the kept head",
        }
    proof = consistency(app, old=size, new=int(latest["size"]))
    ok = verify_consistency(
        size,
        int(latest["size"]),
        bytes.fromhex(str(kept["root_hash"])),
        bytes.fromhex(str(latest["root_hash"])),
        [bytes.fromhex(p) for p in proof["proof"]],
    )
    return {
        "verdict": "consistent" if ok else "inconsistent",
        "extends": ok,
        "kept": kept,
        "latest": latest,
        "proof": proof["proof"],
        "explanation": (
            f"today's log of {latest['size']} events extends the kept head of {size}"
            if ok
            else f"today's log is not the history the kept head of {size} events signed"
        ),
    }


def receipt(app: App, seq: int) -> dict[str, Any] | None:
    """A signed head that covers event ``seq`` and the proof that it does (None when no head
    can be signed: the log is not the history last signed)."""
    head = sign_tree_head(app, reason="partner response")
    if head is None or int(head["size"]) < seq:
        return None
    proof = inclusion(app, seq=seq, size=int(head["size"]))
    return {
        "head": head,
        "leaf_index": seq - 1,
        "leaf_hash": proof["leaf_hash"],
        "proof": proof["proof"],
    }
