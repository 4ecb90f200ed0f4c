"""The ledger, personal data kept outside it, and the case and flight projections.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=True, unique=True),
    )
    op.create_index("ix_events_subject", "events", ["subject_type", "subject_id", "seq"])
    op.create_index("ix_events_type_occurred", "events", ["type", "occurred_on"])
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    # The head row exists from the start, so concurrent first writers lock it, never race to it.
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "persons",
        sa.Column("case_id", sa.String(128), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(128), primary_key=True),
        sa.Column("nationality", sa.String(2), nullable=False),
        sa.Column("destination", sa.String(2), nullable=False),
        sa.Column("final_order_date", sa.Date, nullable=False),
        sa.Column("criminal", sa.Boolean, nullable=False),
        sa.Column("custody", sa.String(16), nullable=False),
        sa.Column("country_of_birth", sa.String(2), nullable=True),
        sa.Column("entry_age", sa.Integer, nullable=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("prior_state", sa.String(32), nullable=True),
        sa.Column("document_expires_on", sa.Date, nullable=True),
        sa.Column("flight_id", sa.String(128), nullable=True),
        sa.Column("disputed_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("opened_seq", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_cases_nationality", "cases", ["nationality"])
    op.create_index("ix_cases_state", "cases", ["state"])
    op.create_index("ix_cases_flight_id", "cases", ["flight_id"])
    op.create_table(
        "flights",
        sa.Column("flight_id", sa.String(128), primary_key=True),
        sa.Column("departure_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("destination", sa.String(2), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_flights_destination", "flights", ["destination"])
    op.create_table(
        "imports",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "import_rejections",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("allowed", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "import_rejections",
        "imports",
        "flights",
        "cases",
        "persons",
        "ledger_head",
        "events",
    ):
        op.drop_table(table)
