"""Signed tree heads: sign the tree at the ledger's head, keep it in the store and in a file.

A head says: the log of ``size`` events has Merkle root ``root_hash`` and its last event has
chain hash ``chain_hash``, signed at ``signed_at``. The signed bytes are the canonical JSON of
those four fields and ``"log": "readmit tree head v1"`` (docs/transparency.md). A head is never
signed over a log that does not extend the last head signed: that log was cut or rewritten, and
``audit verify`` says so instead.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select
from sqlalchemy.engine import make_url

from readmit.domain.errors import InvalidInput, LedgerCorrupt
from readmit.domain.events import GENESIS_HASH, canonical_json, utc_now, utc_text
from readmit.domain.merkle import EMPTY_ROOT, Frontier
from readmit.services.context import App
from readmit.services.transparency.keys import key_id, own_public, signing_key
from readmit.services.transparency.seals import attest_commits
from readmit.store import merkle_store as tree
from readmit.store.schema import ledger_head

LOG = "readmit tree head v1"
HEAD_FIELDS = ("size", "root_hash", "chain_hash", "signed_at")
P = ParamSpec("P")
R = TypeVar("R")
REFUSAL = "transparency.refusal"  # why the last head was not signed (app.memo)
_log = structlog.get_logger("readmit.transparency")


def statement(head: dict[str, Any]) -> bytes:
    """The bytes a head's signature covers."""
    body = {k: head[k] for k in HEAD_FIELDS}
    return canonical_json({**body, "log": LOG}).encode("utf-8")


def signature_ok(head: dict[str, Any], public: str) -> bool:
    """Tell whether ``head`` carries a valid signature by ``public`` (base64 raw key)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
        key.verify(base64.b64decode(str(head["signature"])), statement(head))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def heads_file(app: App) -> Path:
    """The append-only file of heads outside the store, one per database."""
    if app.settings.tree_heads_file is not None:
        return app.settings.tree_heads_file
    url = make_url(app.settings.database_url)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(str(url.database)).resolve()))
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return app.settings.data_dir / "tree-heads" / f"{name}.jsonl"


def read_heads(path: Path) -> list[dict[str, Any]]:
    """Every head in a heads file, oldest first; a line that is not a head is an error."""
    if not path.exists():
        return []
    heads = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            head = json.loads(line)
            missing = [n for n in (*HEAD_FIELDS, "signature") if n not in head]
            if missing:
                raise ValueError(f"it has no {', '.join(missing)}")
            if not isinstance(head["size"], int) or head["size"] < 0:
                raise ValueError("size is not a whole number")
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput(
                f"line {number} of {path} is not a signed tree head: {error}"
            ) from None
        heads.append(head)
    return heads


def _append(path: Path, head: dict[str, Any]) -> None:
    # Every folder made on the way is the server's only (mkdir's parents= would make them 0755).
    for folder in reversed([path.parent, *path.parent.parents]):
        if not folder.exists():
            folder.mkdir(mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (json.dumps(head, sort_keys=True) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _last_in_file(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 8192))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    try:
        return dict(json.loads(lines[-1])) if lines else None
    except ValueError:
        return None


def latest(app: App) -> dict[str, Any] | None:
    """The latest head signed (as published), or None before the first."""
    with app.connect() as conn:
        head = tree.latest_head(conn)
    return None if head is None else {**head.public(), "public_key": own_public(app)}


def signs_a_head(reason: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service whose first argument is the app: after it returns (its transaction
    committed), sign a tree head over what it recorded."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def signed(*args: P.args, **kwargs: P.kwargs) -> R:
            result = service(*args, **kwargs)
            app = args[0]
            assert isinstance(app, App), f"{service.__name__} takes the app first"
            sign_tree_head(app, reason=reason)
            return result

        return signed

    return decorate


def sign_tree_head(
    app: App, *, reason: str, frontier: Frontier | None = None
) -> dict[str, Any] | None:
    """Sign a head over the log as it stands, unless the last head already covers it.

    ``frontier``: the tree of a prefix of the log, already computed from the store (by a
    pipelined import's writer), to extend instead of the last head's.

    Returns the latest head (as published), or None when the log does not extend the last
    head signed (it was cut or rewritten: nothing is signed, and ``audit verify`` reports it).
    """
    try:
        return _sign(app, reason[:64], frontier)
    except LedgerCorrupt as error:
        message = error.message
    except (OSError, ValueError, KeyError, TypeError) as error:  # the heads file, the key
        message = f"{type(error).__name__}: {error}"
    # What was done stays done (an import, a step); the head is missed, and said so.
    app.memo[REFUSAL] = message
    _log.warning("tree_head_not_signed", reason=reason, message=message)
    return None


def _sign(app: App, reason: str, known: Frontier | None) -> dict[str, Any]:
    attest_commits(app)  # from now on, each write this process commits seals the tip it leaves
    public = own_public(app)
    path = heads_file(app)
    with app.connect(write=True) as conn, conn.begin():
        size, chain = _lock_head(conn)
        last = tree.latest_head(conn)
        for earlier in (_last_in_file(path), last.public() if last else None):
            _check_extends(conn, earlier, size)
        if last is not None and (last.size, last.chain_hash) == (size, chain):
            return {**last.public(), "public_key": public}
        frontier = tree.resumed(last)
        if known is not None and frontier.size <= known.size <= size:
            frontier = known
        try:
            frontier = tree.frontier_at(conn, size, frontier)
        except (LookupError, ValueError) as error:
            raise LedgerCorrupt(f"the log cannot be signed: {error}") from None
        if size and tree.chain_hash_at(conn, size) != chain:
            raise LedgerCorrupt(f"event {size} is not the one the ledger's head names")
        root, signed_at = frontier.root().hex(), utc_text(utc_now())
        head = {"size": size, "root_hash": root, "chain_hash": chain, "signed_at": signed_at}
        signature = base64.b64encode(signing_key(app).sign(statement(head))).decode()
        stored = tree.StoredHead(
            size=size,
            root_hash=root,
            chain_hash=chain,
            signed_at=signed_at,
            reason=reason,
            key_id=key_id(public),
            signature=signature,
            frontier=frontier.to_hex(),
        )
        tree.save_head(conn, stored, frontier.completed)
        published = {**stored.public(), "public_key": public}
        _append(path, published)
    return published


def _lock_head(conn: Connection) -> tuple[int, str]:
    query = select(ledger_head.c.seq, ledger_head.c.hash).where(ledger_head.c.id == 1)
    if conn.dialect.name != "sqlite":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.hash))


def _check_extends(conn: Connection, earlier: dict[str, Any] | None, size: int) -> None:
    if earlier is None:
        return
    if int(earlier["size"]) > size:
        raise LedgerCorrupt(f"a head of {earlier['size']} events was signed; the log has {size}")
    if tree.chain_hash_at(conn, int(earlier["size"])) != earlier["chain_hash"]:
        raise LedgerCorrupt(f"event {earlier['size']} is not the one the last head signed")


__all__ = ["EMPTY_ROOT", "heads_file", "latest", "read_heads", "sign_tree_head", "signature_ok"]
