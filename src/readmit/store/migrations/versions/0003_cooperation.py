"""Cooperation projections: one fact row per counted event, and the other side's responses.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coop_facts",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("subject_id", sa.String(128), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("kind", sa.SmallInteger, nullable=False),
        sa.Column("party", sa.SmallInteger, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("rday", sa.Integer, nullable=False),
        sa.Column("order_day", sa.Integer, nullable=False),
        sa.Column("virtual", sa.SmallInteger, nullable=False),
        sa.Column("lag", sa.Integer, nullable=True),
        sa.Column("ref_day", sa.Integer, nullable=True),
        sa.Column("void_seq", sa.Integer, nullable=True),
        sa.Column("void_rday", sa.Integer, nullable=True),
    )
    op.create_index(
        "ix_coop_facts_kind",
        "coop_facts",
        [
            "kind",
            "country",
            "party",
            "virtual",
            "day",
            "order_day",
            "seq",
            "rday",
            "void_seq",
            "void_rday",
        ],
    )
    op.create_index(
        "ix_coop_facts_lag",
        "coop_facts",
        [
            "kind",
            "day",
            "country",
            "party",
            "virtual",
            "lag",
            "seq",
            "rday",
            "void_seq",
            "void_rday",
        ],
        sqlite_where=sa.text("lag IS NOT NULL"),
        postgresql_where=sa.text("lag IS NOT NULL"),
    )
    op.create_index("ix_coop_facts_subject", "coop_facts", ["subject_id", "kind", "day"])
    op.create_index(
        "ix_coop_facts_ref",
        "coop_facts",
        [
            "ref_day",
            "kind",
            "country",
            "party",
            "subject_id",
            "day",
            "seq",
            "rday",
            "void_seq",
            "void_rday",
        ],
        sqlite_where=sa.text("ref_day IS NOT NULL"),
        postgresql_where=sa.text("ref_day IS NOT NULL"),
    )
    op.create_index("ix_coop_facts_rday", "coop_facts", ["rday"])
    op.create_table(
        "coop_responses",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("target_seq", sa.Integer, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("by_partner", sa.SmallInteger, nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("rday", sa.Integer, nullable=False),
        sa.Column("void_seq", sa.Integer, nullable=True),
        sa.Column("void_rday", sa.Integer, nullable=True),
    )
    op.create_index("ix_coop_responses_target", "coop_responses", ["target_seq", "seq"])
    op.create_table(
        "coop_claims",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(64), nullable=True),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("figure", sa.Float, nullable=True),
        sa.Column("figure_text", sa.String(64), nullable=False),
        sa.Column("refers_from", sa.Date, nullable=True),
        sa.Column("refers_to", sa.Date, nullable=False),
        sa.Column("asserted_by", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("article", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_coop_claims_country", "coop_claims", ["country", "refers_to"])


def downgrade() -> None:
    op.drop_table("coop_claims")
    op.drop_table("coop_responses")
    op.drop_table("coop_facts")
