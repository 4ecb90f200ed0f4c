"""The published figures of the policy pack (migration 0009 creates exactly this table).

Not part of the ledger and not a projection: ``readmit db upgrade`` makes the table match the
pack's ``published_figures.yaml`` (services/assessment/published.py), as it does the claims.
Each row is one figure a government published, with its period as text (``FY2019``, or the
day of a stock) and as dates, and the publisher, table title and address it is read from.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table, Text

from readmit.store.schema import metadata

published_figures = Table(
    "published_figures",
    metadata,
    Column("figure_id", String(128), primary_key=True),
    Column("country", String(2), nullable=False),
    Column("measure", String(32), nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Integer, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("secondary", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Index("ix_published_figures_country", "country", "measure", "period_start"),
)
