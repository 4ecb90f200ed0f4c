"""The signed evidence ``audit verify`` holds the store against: tree heads and write seals.

Heads come from the file outside the store and from the store itself; each must carry a valid
signature by the pinned key (``--key``), else by this installation's key, else (a verifier with
neither) by the key the heads file names, one key for all.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from readmit.domain.errors import InvalidInput
from readmit.services.context import App
from readmit.services.transparency import keys
from readmit.services.transparency.heads import heads_file, read_heads, signature_ok
from readmit.services.transparency.seals import seal_statement
from readmit.store import merkle_store as tree
from readmit.store.transparency_schema import event_seals


@dataclass
class Evidence:
    """Signed heads (file and store) and the seal of the tip, each checked against one key."""

    public: str | None = None
    pinned: bool = False
    path: Path = Path()
    file_heads: list[dict[str, Any]] = field(default_factory=list)
    store_heads: list[dict[str, Any]] = field(default_factory=list)
    sealed_upto: int = 0
    problem: tuple[int, str] | None = None

    @property
    def heads(self) -> list[dict[str, Any]]:
        return [*self.file_heads, *self.store_heads]

    @property
    def in_use(self) -> bool:
        """Whether this log is attested at all (a head or a seal exists)."""
        return bool(self.heads) or self.sealed_upto > 0

    def attested_upto(self) -> int:
        return max([self.sealed_upto, *(int(h["size"]) for h in self.heads)])


def gather(
    app: App, conn: Connection, *, key: Path | None, heads: Path | None, since: int = 0
) -> Evidence:
    """Read and check every head (of ``since`` events or more, and the latest of each place)
    and the seals; note the first thing that does not verify."""
    found = Evidence(pinned=key is not None, path=heads or heads_file(app))
    found.public = keys.read_public_key(key) if key else None
    if found.public is None and keys.has_key(app):
        found.public = keys.own_public(app)
    try:
        found.file_heads = [{**h, "where": "the heads file"} for h in read_heads(found.path)]
    except InvalidInput as error:
        found.problem = (0, error.message)
        return found
    if found.public is None:
        named = {str(h.get("public_key")) for h in found.file_heads}
        if len(named) > 1:
            found.problem = (0, f"the heads in {found.path} are signed by {len(named)} keys")
            return found
        found.public = named.pop() if named else None
    found.store_heads = [{**h.public(), "where": "the store"} for h in tree.stored_heads(conn)]
    if since:
        found.file_heads = _recent(found.file_heads, since)
        found.store_heads = _recent(found.store_heads, since)
    whose = "the pinned key" if found.pinned else "this installation's key"
    for head in found.heads:
        if found.public is None or not signature_ok(head, found.public):
            found.problem = (
                int(head["size"]),
                f"the tree head of {head['size']} events signed at {head['signed_at']} in "
                f"{head['where']} is not signed by {whose}: it is forged",
            )
            return found
    found.sealed_upto = _sealed_upto(conn, found)
    return found


def _recent(heads: list[dict[str, Any]], since: int) -> list[dict[str, Any]]:
    return [h for i, h in enumerate(heads) if int(h["size"]) >= since or i == len(heads) - 1]


def _sealed_upto(conn: Connection, found: Evidence) -> int:
    # Only the latest seal matters: it attests the tip. A seal the key did not sign is forged.
    row = conn.execute(select(event_seals).order_by(event_seals.c.last_seq.desc()).limit(1)).first()
    if row is None or found.public is None:
        return 0
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(found.public))
        public.verify(
            base64.b64decode(row.signature),
            seal_statement(row.first_seq, row.last_seq, row.hash),
        )
    except (InvalidSignature, ValueError):
        found.problem = (row.last_seq, f"the seal of event {row.last_seq} is not signed by the key")
        return 0
    held = tree.chain_hash_at(conn, row.last_seq)
    if held is None:
        found.problem = (
            row.last_seq,
            f"the last write sealed event {row.last_seq}, which the store no longer holds: "
            "events were removed from the end",
        )
    elif held != row.hash:
        found.problem = (
            row.last_seq,
            f"event {row.last_seq} is not the one its write sealed: history was rewritten",
        )
    return int(row.last_seq)
