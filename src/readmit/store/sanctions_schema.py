"""Tables of the sanction registry (migrations 0002, 0014) and the screening decision log (0005)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table, Text

from readmit.store.schema import metadata

# Projection: one row per sanction, folded from its lifecycle events.
sanctions = Table(
    "sanctions",
    metadata,
    Column("sanction_id", String(64), primary_key=True),
    Column("country", String(2), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("ordered_on", Date, nullable=True),
    Column("last_step", String(32), nullable=False),
    Column("steps", Integer, nullable=False),
    Column("not_public_steps", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    # The pack whose history recorded it (0014); null: recorded live under the default pack.
    Column("regime", String(64), nullable=True, index=True),
)

# Projection: one row per measure with its validity, so "in force on D in X" is a query.
sanction_measures = Table(
    "sanction_measures",
    metadata,
    Column("measure_id", String(64), primary_key=True),
    Column("sanction_id", String(64), nullable=False, index=True),
    Column("country", String(2), nullable=False),
    Column("effect", String(32), nullable=False),
    Column("starts_on", Date, nullable=True),
    Column("start_known", Boolean, nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("end_unknown", Boolean, nullable=False),
    Column("ended_by", Date, nullable=True),
    Column("last_verified_on", Date, nullable=True),
    Column("definition", Text, nullable=False),
    Column("regime", String(64), nullable=True, index=True),
    Index("ix_sanction_measures_country_start", "country", "starts_on"),
)

# The decision log: a single decision, or a batch logged once (rows derive their ids from it).
decisions = Table(
    "decisions",
    metadata,
    Column("decision_id", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(64), nullable=False),
    Column("pack", String(64), nullable=False),
    Column("pack_version", String(64), nullable=False),
    Column("ledger_seq", Integer, nullable=False),
    Column("as_of", Date, nullable=True),
    Column("decision", String(16), nullable=True),
    Column("outcome", Text, nullable=True),
    Column("inputs", Text, nullable=True),
    Column("input_name", Text, nullable=True),
    Column("input_digest", String(64), nullable=True),
    Column("row_count", Integer, nullable=True),
    Column("counts", Text, nullable=True),
)

# Applications whose issuance was discontinued: the queue to process when measures end.
decision_holds = Table(
    "decision_holds",
    metadata,
    Column("decision_id", String(80), primary_key=True),
    Column("batch_id", String(64), nullable=True, index=True),
    Column("row_number", Integer, nullable=True),
    Column("application_id", Text, nullable=False),
    Column("nationality", String(2), nullable=False),
    Column("post_country", String(2), nullable=False, index=True),
    Column("visa_class", String(16), nullable=False),
    Column("decision_on", Date, nullable=False),
    Column("measures", Text, nullable=False),
)
