"""Projections: current state derived from the log, written in the event's own transaction.

Every projector is registered in ``PROJECTORS``; live writes and ``readmit db rebuild`` both
go through ``project``, so a rebuild gives exactly the live tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, Table

from readmit.domain.events import Event
from readmit.store.bulk import empty_tables


class Projector(Protocol):
    """Keeps some tables up to date from events."""

    @property
    def tables(self) -> Sequence[Table]:
        """The tables this projector owns."""

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        """Update the projection tables for these events (in sequence order)."""


def _registry() -> list[Projector]:
    from readmit.store.case_projection import CaseProjector
    from readmit.store.flight_projection import FlightProjector
    from readmit.store.metrics_projection import CooperationProjector
    from readmit.store.sanction_projection import SanctionProjector

    return [CaseProjector(), FlightProjector(), CooperationProjector(), SanctionProjector()]


class Projections:
    """Every projector, for the life of one transaction (so that what one read, it can reuse)."""

    def __init__(self) -> None:
        from readmit.store.case_projection import CaseProjector

        self.all = _registry()
        self.cases = next(p for p in self.all if isinstance(p, CaseProjector))

    def apply(self, conn: Connection, events: Sequence[Event]) -> None:
        """Apply newly recorded events to every projection."""
        for projector in self.all:
            projector.apply(conn, events)

    def kept(self) -> int:
        """How many cases the projectors keep what they read or folded of."""
        return self.cases.kept()


def project(conn: Connection, events: Sequence[Event]) -> None:
    """Apply newly recorded events to every projection."""
    Projections().apply(conn, events)


def projection_tables() -> list[Table]:
    """Return every table that a projection owns (and a rebuild recreates)."""
    return [t for p in _registry() for t in p.tables]


def clear_projections(conn: Connection) -> None:
    """Empty every projection table, children first (``bulk.empty_tables``: a rebuild fills
    them again in the same transaction)."""
    empty_tables(conn, [table.name for table in reversed(projection_tables())])
