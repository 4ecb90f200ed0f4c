"""Events of the ledger and the hash chain that makes history tamper-evident.

Every event's hash covers a canonical serialisation of all its fields and the previous event's
hash, so changing any field, deleting an event or swapping two breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from json.encoder import encode_basestring as _js  # what the encoder below uses
from typing import Any

GENESIS_HASH = "0" * 64


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
)


def canonical_json(value: Any) -> str:
    """Serialise ``value`` deterministically: sorted keys, no spaces, UTF-8 as is."""
    if type(value) is dict:
        flat = _flat_object(value)
        if flat is not None:
            return flat
    return _CANONICAL.encode(value)


def _flat_object(value: dict[Any, Any]) -> str | None:
    # The common payload, a flat object of text, whole numbers, booleans and nulls, written
    # directly: the encoder's per-call set-up costs more than the work. Anything else: None.
    parts = []
    for key in sorted(value):
        item = value[key]
        kind = type(item)
        if type(key) is not str:
            return None
        if kind is str:
            text = _js(item)
        elif item is None:
            text = "null"
        elif kind is bool:
            text = "true" if item else "false"
        elif kind is int:
            text = str(item)
        else:
            return None
        parts.append(_js(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def utc_text(moment: datetime) -> str:
    """Return a UTC timestamp as fixed-width ISO text, the form hashed and stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended: the ledger assigns sequence, time and hashes."""

    type: str
    subject_type: str
    subject_id: str
    occurred_on: date
    actor: str
    role: str
    payload: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    dedupe_key: str | None = None
    # Only trusted back-fills (the policy pack's history, the demo) set this.
    recorded_at: datetime | None = None


def new_event(
    type: str,
    subject_type: str,
    subject_id: str,
    occurred_on: date,
    actor: str,
    role: str,
    payload: dict[str, Any],
    source: str | None = None,
    dedupe_key: str | None = None,
) -> NewEvent:
    """Build a NewEvent without re-running the frozen __init__ (an import builds millions)."""
    event = object.__new__(NewEvent)
    event.__dict__.update(
        type=type,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_on=occurred_on,
        actor=actor,
        role=role,
        payload=payload,
        source=source,
        dedupe_key=dedupe_key,
        recorded_at=None,
    )
    return event


@dataclass(frozen=True)
class Event:
    """An event as recorded in the ledger."""

    seq: int
    id: str
    type: str
    subject_type: str
    subject_id: str
    occurred_on: date
    recorded_at: str
    actor: str
    role: str
    payload: dict[str, Any]
    source: str | None
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        """Return every field the hash covers, in canonical form."""
        return {
            "seq": self.seq,
            "id": self.id,
            "type": self.type,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "occurred_on": self.occurred_on.isoformat(),
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "role": self.role,
            "payload": self.payload,
            "source": self.source,
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        """Recompute this event's hash from its fields."""
        return event_hash(self.hashed_fields())


def event_hash(fields: dict[str, Any]) -> str:
    """Hash the canonical serialisation of an event's fields (including the previous hash)."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def seal(
    new: NewEvent,
    seq: int,
    event_id: str,
    recorded_at: str,
    prev_hash: str,
    payload_json: str | None = None,
    chained: bool = True,
) -> Event:
    """Turn a new event into a recorded one, computing its hash (``chain_hash``).

    ``chained=False`` leaves its hash and ``prev_hash`` empty, for whoever commits it to seal
    (a pipelined import's writer, which alone knows the head it lands on).
    """
    digest = ""
    if chained:
        if payload_json is None:
            payload_json = canonical_json(new.payload)
        fields = (
            seq,
            event_id,
            new.type,
            new.subject_type,
            new.subject_id,
            new.occurred_on.isoformat(),
            recorded_at,
            new.actor,
            new.role,
            payload_json,
            new.source,
        )
        digest = chain_hash(fields, prev_hash)
    # Built without re-running the frozen __init__ (a fifth of the cost of sealing).
    event = object.__new__(Event)
    event.__dict__.update(
        seq=seq,
        id=event_id,
        type=new.type,
        subject_type=new.subject_type,
        subject_id=new.subject_id,
        occurred_on=new.occurred_on,
        recorded_at=recorded_at,
        actor=new.actor,
        role=new.role,
        payload=new.payload,
        source=new.source,
        prev_hash=prev_hash if chained else "",
        hash=digest,
    )
    return event


def chain_hash(fields: Sequence[Any], prev_hash: str) -> str:
    """Hash one event's fields and the previous event's hash.

    ``fields``: seq, id, type, subject_type, subject_id, occurred_on (ISO), recorded_at, actor,
    role, payload (canonical JSON) and source, the order the events table stores them in. The
    canonical serialisation is assembled field by field here (the keys in sorted order), which
    is what ``canonical_json(event.hashed_fields())`` gives, at a fraction of the cost.
    """
    seq, event_id, type, subject_type, subject_id, on, recorded, actor, role, payload, source = (
        fields
    )
    source_json = "null" if source is None else _js(source)
    canonical = (
        f'{{"actor":{_js(actor)},"id":{_js(event_id)},'
        f'"occurred_on":"{on}","payload":{payload},'
        f'"prev_hash":{_js(prev_hash)},"recorded_at":{_js(recorded)},"role":{_js(role)},'
        f'"seq":{int(seq)},"source":{source_json},"subject_id":{_js(subject_id)},'
        f'"subject_type":{_js(subject_type)},"type":{_js(type)}}}'
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not verify, and why."""

    seq: int
    reason: str


def verify_chain(
    events: Any, start_hash: str = GENESIS_HASH, start_seq: int = 0
) -> ChainBreak | None:
    """Check an ordered iterable of events; return the first break, or None when intact."""
    prev_hash, expected_seq = start_hash, start_seq + 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing or out of order")
        if event.prev_hash != prev_hash:
            return ChainBreak(event.seq, "its previous hash does not match the event before it")
        if event.computed_hash() != event.hash:
            return ChainBreak(event.seq, "its content does not match its hash (altered)")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    return None
