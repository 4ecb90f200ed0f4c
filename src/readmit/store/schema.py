"""The tables of the store. Migrations in ``migrations/`` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# The append-only, hash-chained log. The code never updates or deletes a row of it.
events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("id", String(32), nullable=False, unique=True),
    Column("type", String(64), nullable=False),
    Column("subject_type", String(32), nullable=False),
    Column("subject_id", String(128), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("source", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("dedupe_key", String(64), nullable=True, unique=True),
    Index("ix_events_subject", "subject_type", "subject_id", "seq"),
    Index("ix_events_type_occurred", "type", "occurred_on"),
)

# The head of the chain: one row, locked by every writer so appends are serialised.
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Personal data lives outside the chain; the log holds only a salted digest of it.
persons = Table(
    "persons",
    metadata,
    Column("case_id", String(128), primary_key=True),
    Column("salt", String(64), nullable=False),
    Column("data", JSON, nullable=False),
)

# Projection: the current state of every removal case.
cases = Table(
    "cases",
    metadata,
    Column("case_id", String(128), primary_key=True),
    Column("nationality", String(2), nullable=False, index=True),
    Column("destination", String(2), nullable=False),
    Column("final_order_date", Date, nullable=False),
    Column("criminal", Boolean, nullable=False),
    Column("custody", String(16), nullable=False),
    Column("country_of_birth", String(2), nullable=True),
    Column("entry_age", Integer, nullable=True),
    Column("state", String(32), nullable=False, index=True),
    Column("prior_state", String(32), nullable=True),
    Column("document_expires_on", Date, nullable=True),
    Column("flight_id", String(128), nullable=True, index=True),
    Column("disputed_by", String(64), nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("opened_seq", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
)

# Projection: flights and the partner's answer to charter proposals.
flights = Table(
    "flights",
    metadata,
    Column("flight_id", String(128), primary_key=True),
    Column("departure_on", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("destination", String(2), nullable=False, index=True),
    Column("capacity", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
)

# Bookkeeping of file imports (not part of the ledger, not a projection): how far each file got,
# committed with each chunk, so a re-run after a crash resumes with the same decisions.
imports = Table(
    "imports",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("total", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=True),
    # The form of the dedupe keys this import gave its events: NULL for imports recorded before
    # event keys began with the row's date (migration 0007), KEY_FORMAT for every later one.
    Column("key_format", Integer, nullable=True),
)
KEY_FORMAT = 2

# Rows an import rejected, kept so that a resumed or repeated import reports them again.
import_rejections = Table(
    "import_rejections",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("line", Integer, nullable=False),
    Column("code", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("allowed", Text, nullable=False),
)
