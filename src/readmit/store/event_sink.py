"""Where a unit of work's events go: written in its own transaction, or staged for a writer.

The unit of work chooses the sink (``store/uow``) and the connection it opens follows it; the
ledger numbers every append the same way and hands the rows to the sink (``Ledger.append``).

- ``DirectSink``: the rows arrive sealed onto the chain and are written at once, with the
  head, by the unit of work that holds the head's lock.
- ``StagedSink``: the rows arrive unsealed and are kept with every other write of the
  transaction (``store/staging``), for the pipelined import's writer process to seal and
  commit under the lock (``store/chunk_writer``); its own connection only reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, update

from readmit.store.bulk import insert_rows
from readmit.store.db import NO_SNAPSHOT
from readmit.store.event_rows import EVENT_COLUMNS, PlainRow
from readmit.store.schema import events, ledger_head
from readmit.store.staging import STAGED, Staged

Head = tuple[int, str]  # the last event's seq and hash


class EventSink(Protocol):
    """What takes the rows of the events a ledger appends."""

    @property
    def seals(self) -> bool:
        """True when the rows are sealed and written here, under the head's lock; False when
        they are left unsealed, for whoever commits them to seal (``Ledger.append_rows``)."""

    def options(self, dialect: str) -> dict[str, object]:
        """Execution options for the connection of a unit of work using this sink."""

    def put(self, conn: Connection, rows: Sequence[PlainRow], head: Head) -> None:
        """Take one append's rows, after which the ledger's head is ``head``."""


class DirectSink:
    """Writes the rows and the new head on the unit of work's connection, in its transaction."""

    seals = True

    def options(self, dialect: str) -> dict[str, object]:
        return {}

    def put(self, conn: Connection, rows: Sequence[PlainRow], head: Head) -> None:
        insert_rows(conn, events, EVENT_COLUMNS, rows)
        seq, last_hash = head
        conn.execute(
            update(ledger_head).where(ledger_head.c.id == 1).values(seq=seq, hash=last_hash)
        )


class StagedSink:
    """Keeps the rows in ``staged``, and has the connection stage its other writes there too."""

    seals = False

    def __init__(self, staged: Staged) -> None:
        self.staged = staged

    def options(self, dialect: str) -> dict[str, object]:
        # No snapshot held between reads: while one is, SQLite cannot start its log over.
        options: dict[str, object] = {STAGED: self.staged, NO_SNAPSHOT: True}
        if dialect == "postgresql":
            options["postgresql_readonly"] = True  # a write that escaped staging fails
        return options

    def put(self, conn: Connection, rows: Sequence[PlainRow], head: Head) -> None:
        self.staged.events.extend(rows)
