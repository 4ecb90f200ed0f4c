"""A row of the events table, its fields by name, and its sealing onto the hash chain.

Rows handed to the driver or to the writer process are ``PlainRow``s, the same fields in the
same order as a plain tuple: the driver binds a tuple's subclass item by item (the slow way),
and marshal carries no subclass at all. ``EventRow`` names them where they are read.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from readmit.domain.events import canonical_json, chain_hash


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

    def sealed_after(self, prev_hash: str) -> tuple[PlainRow, str]:
        """This row sealed onto the chain after the event whose hash is ``prev_hash``, and the
        hash it was sealed with (the next row's ``prev_hash``); its payload written as
        canonical JSON if it is still the payload itself."""
        hashed = self[:_HASHED]
        if type(self.payload) is not str:
            hashed = (*hashed[:_PAYLOAD], canonical_json(self.payload), *hashed[_PAYLOAD + 1 :])
        digest = chain_hash(hashed, prev_hash)
        return (*hashed, prev_hash, digest, self.dedupe_key), digest


PlainRow = tuple[Any, ...]  # an EventRow's fields, in its order, as a plain tuple
EVENT_COLUMNS = EventRow._fields
# The fields the chain hashes (``chain_hash``) are those before prev_hash, in their order.
_HASHED = EVENT_COLUMNS.index("prev_hash")
_PAYLOAD = EVENT_COLUMNS.index("payload")
