"""The transparency log's tables (migration 0010 creates exactly these).

``tree_heads`` keeps every signed tree head with the compact state of the tree at its size (the
roots of its perfect subtrees), so the next head hashes only the leaves added since.
``merkle_nodes`` caches the root of every aligned perfect subtree of ``2**NODE_LEVEL`` leaves or
more, so a proof reads a few hundred leaf hashes at most. ``event_seals`` holds the signature
each write puts on the tip of the chain it leaves. ``audit_verified`` is the position up to
which ``GET /audit/verify`` last verified the chain (one row). None of them is part of the
ledger: they are derived from it and checked against it, and the heads are also written to a
file outside the store (``services/transparency``).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from readmit.store.schema import metadata

NODE_LEVEL = 8

tree_heads = Table(
    "tree_heads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("size", Integer, nullable=False),
    Column("root_hash", String(64), nullable=False),
    Column("chain_hash", String(64), nullable=False),
    Column("signed_at", String(32), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", Text, nullable=False),
    Column("frontier", Text, nullable=False),
    Index("ix_tree_heads_size", "size"),
)

merkle_nodes = Table(
    "merkle_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
)

# One row per committed write: the installation's signature over the last event it left, so an
# event appended outside readmit is left unattested at the tip of the chain.
event_seals = Table(
    "event_seals",
    metadata,
    Column("last_seq", Integer, primary_key=True, autoincrement=False),
    Column("first_seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", Text, nullable=False),
)

audit_verified = Table(
    "audit_verified",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("frontier", Text, nullable=False),
    Column("verified_at", String(32), nullable=False),
)
