"""A row of the events table, its fields by name, and its sealing onto the hash chain.

Rows handed to the driver or to the writer process are ``PlainRow``s, the same fields in the
same order as a plain tuple: the driver binds a tuple's subclass item by item (the slow way),
and marshal carries no subclass at all. ``EventRow`` names them where they are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from json.encoder import encode_basestring as _js  # as ``domain/events`` escapes text
from typing import Any, NamedTuple

from readmit.domain.events import canonical_json


class EventRow(NamedTuple):
    """One event as stored, its fields in the table's column order (``EVENT_COLUMNS``)."""

    seq: int
    id: str
    type: str
    subject_type: str
    subject_id: str
    occurred_on: str  # ISO text, which both databases store as the date
    recorded_at: str
    actor: str
    role: str
    payload: Any  # canonical JSON; unsealed, the payload itself (a dict), which sealing writes
    source: str | None
    prev_hash: str  # empty, with ``hash``, until the row is sealed
    hash: str
    dedupe_key: str | None


PlainRow = tuple[Any, ...]  # an EventRow's fields, in its order, as a plain tuple
EVENT_COLUMNS = EventRow._fields
# The fields the chain hashes (``chain_hash``) are those before prev_hash, in their order.
_HASHED = EVENT_COLUMNS.index("prev_hash")
_PAYLOAD = EVENT_COLUMNS.index("payload")


def seal_rows(rows: Sequence[PlainRow], prev_hash: str) -> tuple[list[PlainRow], list[str]]:
    """Seal unsealed rows onto the chain, in order, the first after the event whose hash is
    ``prev_hash``: each with its payload written as canonical JSON (if it is still the payload
    itself), its ``prev_hash`` and its hash. Return the sealed rows and their hashes.

    Each hash is ``domain.events.chain_hash`` of the row's fields, the same text hashed
    (tests/unit/test_event_rows.py holds them to it). It is assembled here for a whole chunk:
    the fields that repeat from row to row (the type, the actor, the time it was recorded)
    are escaped once a chunk instead of once a row, a fifth of the sealing's cost.
    """
    escaped: dict[str, str] = {}

    def once(text: str) -> str:
        found = escaped.get(text)
        if found is None:
            found = escaped[text] = _js(text)
        return found

    sha256 = hashlib.sha256
    sealed: list[PlainRow] = []
    hashes: list[str] = []
    for row in rows:
        seq, event_id, kind, subject_type, subject_id, on, recorded, actor, role = row[:_PAYLOAD]
        payload, source, key = row[_PAYLOAD], row[_PAYLOAD + 1], row[-1]
        if type(payload) is not str:
            payload = canonical_json(payload)
        source_json = "null" if source is None else _js(source)
        canonical = (
            f'{{"actor":{once(actor)},"id":{_js(event_id)},'
            f'"occurred_on":"{on}","payload":{payload},'
            f'"prev_hash":{_js(prev_hash)},"recorded_at":{once(recorded)},"role":{once(role)},'
            f'"seq":{int(seq)},"source":{source_json},"subject_id":{_js(subject_id)},'
            f'"subject_type":{once(subject_type)},"type":{once(kind)}}}'
        )
        digest = sha256(canonical.encode("utf-8")).hexdigest()
        sealed.append(
            (
                seq,
                event_id,
                kind,
                subject_type,
                subject_id,
                on,
                recorded,
                actor,
                role,
                payload,
                source,
                prev_hash,
                digest,
                key,
            )
        )
        hashes.append(digest)
        prev_hash = digest
    return sealed, hashes
