#!/usr/bin/env python3
"""Check readmit's transparency log from the outside, with nothing but its public key.

Standard library and ``cryptography`` only; docs/transparency.md defines every hash it checks.

    verify_log.py heads --key KEY HEADS...           every head's signature, and that no two
                                                      heads disagree on the log's history size
    verify_log.py inclusion --key KEY RECEIPT         a receipt (or an inclusion proof with its
                                                      head): the event is in the signed tree
          [--event EVENT]                             ... and this event is the one it proves
    verify_log.py consistency --key KEY OLD NEW PROOF the log of NEW's size extends OLD's
    verify_log.py events --key KEY --heads HEADS EVENTS    (--heads as often as needed)
                                                      recompute the chain and the tree from an
                                                      export of the events (readmit audit events)

KEY is the PEM public key, or the base64 of the raw 32-byte key (the ``public_key`` of the
public registry's JSON). Exit 0 when everything holds, 1 when something does not, saying what.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LOG = "readmit tree head v1"
GENESIS = "0" * 64
EVENT_FIELDS = (
    "seq", "id", "type", "subject_type", "subject_id", "occurred_on", "recorded_at",
    "actor", "role", "payload", "source", "prev_hash",
)  # fmt: skip


class Failed(Exception):
    """Something in the log does not hold."""


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 as is: the serialisation readmit hashes and signs."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(chain_hash: str) -> bytes:
    return sha256(b"\x00" + bytes.fromhex(chain_hash))


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def read_key(path: Path) -> Ed25519PublicKey:
    text = path.read_text().strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise Failed(f"{path} is not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))


def check_head(head: dict[str, Any], key: Ed25519PublicKey) -> None:
    """A head's signature covers the canonical JSON of its four fields and the log's name."""
    body = {k: head[k] for k in ("size", "root_hash", "chain_hash", "signed_at")}
    try:
        key.verify(base64.b64decode(head["signature"]), canonical({**body, "log": LOG}))
    except (InvalidSignature, ValueError) as error:
        raise Failed(f"the head of {head['size']} events signed at {head['signed_at']} is not "
                     "signed by the pinned key") from error  # fmt: skip


def read_heads(path: Path) -> list[dict[str, Any]]:
    text = path.read_text()
    if text.lstrip().startswith("{") and "\n{" not in text.strip():
        document = json.loads(text)
        return [document.get("head", document)]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes],
                     root: bytes) -> bool:  # fmt: skip
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:  # fmt: skip
    """RFC 9162 section 2.1.4.2."""
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    if not 0 < old < new or not proof:
        return False
    path = [old_root, *proof] if old & (old - 1) == 0 else list(proof)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def event_hash(event: dict[str, Any]) -> str:
    """An event's chain hash: SHA-256 of the canonical JSON of its fields and the previous hash."""
    return hashlib.sha256(canonical({k: event[k] for k in EVENT_FIELDS})).hexdigest()


class Frontier:
    """The roots of the perfect subtrees of a growing tree, largest first."""

    def __init__(self) -> None:
        self.size, self.hashes = 0, []  # type: int, list[bytes]

    def append(self, leaf_hash: bytes) -> None:
        self.hashes.append(leaf_hash)
        size = self.size
        while size & 1:
            right = self.hashes.pop()
            self.hashes[-1] = node(self.hashes[-1], right)
            size >>= 1
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return sha256(b"")
        result = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            result = node(left, result)
        return result


def cmd_heads(args: argparse.Namespace, key: Ed25519PublicKey) -> str:
    by_size: dict[int, str] = {}
    count = 0
    for path in args.heads:
        for head in read_heads(path):
            check_head(head, key)
            if by_size.setdefault(head["size"], head["root_hash"]) != head["root_hash"]:
                raise Failed(f"two heads of {head['size']} events name different roots: "
                             "the log showed two histories")  # fmt: skip
            count += 1
    return f"{count} heads, every one signed by the pinned key, one history per size"


def cmd_inclusion(args: argparse.Namespace, key: Ed25519PublicKey) -> str:
    receipt = json.loads(args.receipt.read_text())
    head = receipt["head"]
    check_head(head, key)
    if args.event is not None:
        event = json.loads(args.event.read_text())
        if leaf(event_hash(event)).hex() != receipt["leaf_hash"]:
            raise Failed("the event's fields do not hash to the leaf the receipt proves")
        if event["seq"] - 1 != receipt["leaf_index"]:
            raise Failed("the event's sequence number is not the receipt's leaf")
    proof = [bytes.fromhex(p) for p in receipt["proof"]]
    if not verify_inclusion(receipt["leaf_index"], head["size"],
                            bytes.fromhex(receipt["leaf_hash"]), proof,
                            bytes.fromhex(head["root_hash"])):  # fmt: skip
        raise Failed("the inclusion proof does not lead to the signed root")
    return f"event {receipt['leaf_index'] + 1} is in the signed log of {head['size']} events"


def cmd_consistency(args: argparse.Namespace, key: Ed25519PublicKey) -> str:
    old, new = read_heads(args.old)[-1], read_heads(args.new)[-1]
    check_head(old, key)
    check_head(new, key)
    proof = json.loads(args.proof.read_text())
    path = [bytes.fromhex(p) for p in proof["proof"]]
    if (proof["old_size"], proof["new_size"]) != (old["size"], new["size"]):
        raise Failed("the proof is for other sizes than the two heads")
    if not verify_consistency(old["size"], new["size"], bytes.fromhex(old["root_hash"]),
                              bytes.fromhex(new["root_hash"]), path):  # fmt: skip
        raise Failed(f"the log of {new['size']} events does not extend the head of "
                     f"{old['size']}: its history was rewritten")  # fmt: skip
    return f"the log of {new['size']} events extends the head of {old['size']}"


def events_of(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as error:
                    raise Failed(f"line {number} of {path} is not JSON: {error}") from None


def cmd_events(args: argparse.Namespace, key: Ed25519PublicKey) -> str:
    wanted: dict[int, dict[str, Any]] = {}
    for path in args.heads:
        for head in read_heads(path):
            check_head(head, key)
            wanted[head["size"]] = head
    frontier, prev = Frontier(), GENESIS
    check: Callable[[int], None] = lambda size: _held(wanted.get(size), frontier)  # noqa: E731
    check(0)
    for event in events_of(args.events):
        seq = frontier.size + 1
        if event.get("seq") != seq:
            raise Failed(f"event {seq} is missing or out of order")
        if event["prev_hash"] != prev or event_hash(event) != event["hash"]:
            raise Failed(f"event {seq} does not match its hash or the event before it")
        frontier.append(leaf(event["hash"]))
        prev = event["hash"]
        check(seq)
    beyond = [s for s in wanted if s > frontier.size]
    if beyond:
        raise Failed(f"a signed head covers {max(beyond)} events; the export holds "
                     f"{frontier.size}: events were removed")  # fmt: skip
    return f"{frontier.size} events, chain intact, {len(wanted)} signed tree sizes match"


def _held(head: dict[str, Any] | None, frontier: Frontier) -> None:
    if head is not None and frontier.root().hex() != head["root_hash"]:
        raise Failed(f"the first {head['size']} events are not those the head signed at "
                     f"{head['signed_at']}: history was rewritten")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["heads", "inclusion", "consistency", "events"])
    parser.add_argument("--key", type=Path, required=True, help="the pinned public key")
    parser.add_argument("--heads", type=Path, action="append", default=[], help="heads file")
    parser.add_argument("--event", type=Path, help="inclusion: the event's fields (JSON)")
    parser.add_argument("files", type=Path, nargs="*")
    args = parser.parse_intermixed_args(argv)
    try:
        key = read_key(args.key)
        if args.command == "heads":
            args.heads = [*args.heads, *args.files]
            message = cmd_heads(args, key)
        elif args.command == "inclusion":
            (args.receipt,) = args.files
            message = cmd_inclusion(args, key)
        elif args.command == "consistency":
            args.old, args.new, args.proof = args.files
            message = cmd_consistency(args, key)
        else:
            (args.events,) = args.files
            message = cmd_events(args, key)
    except Failed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"FAILED: the files cannot be read as the docs describe: {error!r}", file=sys.stderr)
        return 1
    print(f"ok: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
