"""Recorded what-if analyses (migration 0013 creates exactly this table).

Outside the ledger and not a projection: an analysis is what a scenario or a forecast computed
beside the ledger, kept so it can be cited by id. It names its scenario (id and digest) and the
ledger position it read, and it is never a fact of the record.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from readmit.store.schema import metadata

whatif_analyses = Table(
    "whatif_analyses",
    metadata,
    Column("analysis_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("scenario_id", String(64), nullable=True),
    Column("scenario_digest", String(64), nullable=True),
    Column("country", String(2), nullable=True),
    Column("ledger_seq", Integer, nullable=False),
    Column("ledger_hash", String(64), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("result", Text, nullable=False),
    Index("ix_whatif_analyses_scenario", "scenario_id", "recorded_at"),
)
