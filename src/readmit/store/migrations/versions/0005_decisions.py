"""Screening decision log and the queue of discontinued applications.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("pack", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("inputs", sa.Text, nullable=True),
        sa.Column("input_name", sa.Text, nullable=True),
        sa.Column("input_digest", sa.String(64), nullable=True),
        sa.Column("row_count", sa.Integer, nullable=True),
        sa.Column("counts", sa.Text, nullable=True),
    )
    op.create_table(
        "decision_holds",
        sa.Column("decision_id", sa.String(80), primary_key=True),
        sa.Column("batch_id", sa.String(64), nullable=True),
        sa.Column("row_number", sa.Integer, nullable=True),
        sa.Column("application_id", sa.Text, nullable=False),
        sa.Column("nationality", sa.String(2), nullable=False),
        sa.Column("post_country", sa.String(2), nullable=False),
        sa.Column("visa_class", sa.String(16), nullable=False),
        sa.Column("decision_on", sa.Date, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
    )
    op.create_index("ix_decision_holds_batch_id", "decision_holds", ["batch_id"])
    op.create_index("ix_decision_holds_post_country", "decision_holds", ["post_country"])


def downgrade() -> None:
    op.drop_table("decision_holds")
    op.drop_table("decisions")
