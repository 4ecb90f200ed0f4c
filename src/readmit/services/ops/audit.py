"""Audit: verify the hash chain, and sign or check a checkpoint of its head."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from readmit.domain.errors import InvalidInput
from readmit.domain.events import (
    GENESIS_HASH,
    Event,
    canonical_json,
    utc_now,
    utc_text,
    verify_chain,
)
from readmit.services.context import App

KEY_FILE = "ledger-signing-key.pem"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""
    checkpoint_seq: int | None = None  # the signed checkpoint the log was proved to extend

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


class _Tracker:
    """Watches the events passing through the chain check: the last one, and one at a seq."""

    def __init__(self, watch_seq: int | None) -> None:
        self.watch_seq, self.watched_hash = watch_seq, ""
        self.last_seq, self.last_hash, self.count = 0, GENESIS_HASH, 0

    def watch(self, events: Iterable[Event]) -> Iterator[Event]:
        for event in events:
            self.last_seq, self.last_hash, self.count = event.seq, event.hash, self.count + 1
            if event.seq == self.watch_seq:
                self.watched_hash = event.hash
            yield event


def verify_ledger(app: App, checkpoint: Path | None = None) -> VerifyResult:
    """Recompute the whole chain; with a checkpoint, also prove the log extends its head."""
    signed = _read_checkpoint(app, checkpoint) if checkpoint else None
    tracker = _Tracker(signed[0] if signed else None)
    with app.uow(write=False) as uow:
        broken = verify_chain(tracker.watch(uow.ledger.iter_all()))
        head_seq, head_hash = uow.ledger.head()

    def failed(seq: int, reason: str) -> VerifyResult:
        return VerifyResult(
            ok=False,
            events=tracker.count,
            head_seq=head_seq,
            head_hash=head_hash,
            first_bad_seq=seq,
            reason=reason,
        )

    if broken:
        return failed(broken.seq, broken.reason)
    if (tracker.last_seq, tracker.last_hash) != (head_seq, head_hash):
        return failed(
            tracker.last_seq + 1,
            f"the log ends at {tracker.last_seq} but its recorded "
            f"head is {head_seq}: events were removed from the end",
        )
    if signed and tracker.watched_hash != signed[1]:
        return failed(
            signed[0], "the log no longer extends the signed checkpoint (history was rewritten)"
        )
    return VerifyResult(
        ok=True,
        events=tracker.count,
        head_seq=head_seq,
        head_hash=head_hash,
        checkpoint_seq=signed[0] if signed else None,
    )


def _key(app: App) -> Ed25519PrivateKey:
    path = app.settings.key_dir / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidInput(f"{path} is not an Ed25519 key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return key


def _public_b64(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def write_checkpoint(app: App, output: Path) -> dict[str, Any]:
    """Sign the current head with the installation's key and write it to ``output``."""
    key = _key(app)
    with app.uow(write=False) as uow:
        seq, head_hash = uow.ledger.head()
    body = {"seq": seq, "hash": head_hash, "signed_at": utc_text(utc_now())}
    signature = base64.b64encode(key.sign(canonical_json(body).encode())).decode()
    document = {**body, "public_key": _public_b64(key.public_key()), "signature": signature}
    output.write_text(json.dumps(document, indent=2) + "\n")
    return document


def _read_checkpoint(app: App, path: Path) -> tuple[int, str]:
    try:
        document = json.loads(path.read_text())
        body = {k: document[k] for k in ("seq", "hash", "signed_at")}
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(document["public_key"]))
        public.verify(base64.b64decode(document["signature"]), canonical_json(body).encode())
    except (OSError, ValueError, KeyError, InvalidSignature) as error:
        raise InvalidInput(
            f"checkpoint {path} cannot be read or its signature is bad: {error}"
        ) from error
    # Where this installation has a key, a checkpoint signed by another key is refused; elsewhere
    # (an outside verifier) the embedded public key is what the verifier checks it against.
    own = app.settings.key_dir / KEY_FILE
    if own.exists() and document["public_key"] != _public_b64(_key(app).public_key()):
        raise InvalidInput(f"checkpoint {path} was not signed by this installation's key")
    return int(body["seq"]), str(body["hash"])
