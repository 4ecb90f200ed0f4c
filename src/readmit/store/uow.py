"""The unit of work: one transaction, rolled back unless the service commits it."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from sqlalchemy import Connection, Engine

from readmit.domain.events import Event, NewEvent
from readmit.store import idempotency
from readmit.store.event_sink import DirectSink, EventSink, StagedSink
from readmit.store.ledger import Ledger
from readmit.store.projections import Projections
from readmit.store.staging import Staged


class UnitOfWork:
    """Owns one connection and transaction; ``record`` appends events and projects them."""

    conn: Connection
    ledger: Ledger
    projections: Projections

    def __init__(
        self,
        engine: Engine,
        write: bool = True,
        staged: Staged | None = None,
        projections: Projections | None = None,
    ) -> None:
        """``staged``: read, and record the writes there instead of making them (its events
        go to a ``StagedSink``, to be committed elsewhere: ``store/event_sink``).
        ``projections``: projectors that keep what they read beyond this transaction, for a
        caller that knows it stays true."""
        self.engine = engine
        self.sink: EventSink = DirectSink() if staged is None else StagedSink(staged)
        self.write = write and self.sink.seals  # staged writes take the lock where committed
        self._projections = projections
        # The request served with an Idempotency-Key, whose record commits with this effect.
        self._keyed = idempotency.current() if self.write else None
        self._recorded: list[str] = []

    def __enter__(self) -> UnitOfWork:
        dialect = self.engine.dialect.name
        options: dict[str, object] = {"readmit_write": self.write}
        if not self.write and dialect == "postgresql":
            # A reader sees one snapshot: the chain and its head are read consistently.
            options["isolation_level"] = "REPEATABLE READ"
        options.update(self.sink.options(dialect))
        self.conn = self.engine.connect().execution_options(**options)
        self._tx = self.conn.begin()
        self.ledger = Ledger(self.conn, self.sink)
        self.projections = self._projections or Projections()
        if self.write:
            # Lock the head first: writers are serialised, and every guard reads current state.
            self.ledger.lock_head()
            if self._keyed is not None:
                try:
                    idempotency.refuse_if_done(self.conn, self._keyed)
                except BaseException:
                    self.__exit__(None, None, None)
                    raise
        return self

    def record(self, new_events: Sequence[NewEvent]) -> list[Event]:
        """Append events to the log and update every projection, in this transaction."""
        sealed = self.ledger.append(new_events)
        self.projections.apply(self.conn, sealed)
        self._recorded.extend(event.id for event in sealed)
        return sealed

    def commit(self) -> None:
        """Commit the transaction (with the idempotency record of a keyed request's effect)."""
        keyed = self._keyed if self._recorded else None
        if keyed is not None:
            idempotency.record_effect(self.conn, keyed, self._recorded)
        self._tx.commit()
        if keyed is not None:
            idempotency.committed(keyed, self._recorded)
            self._recorded = []

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tx.is_active:
            self._tx.rollback()
        self.conn.close()
