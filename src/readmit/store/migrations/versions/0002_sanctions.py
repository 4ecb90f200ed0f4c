"""Sanction registry projections: sanctions and their measures over time.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sanctions",
        sa.Column("sanction_id", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("ordered_on", sa.Date, nullable=True),
        sa.Column("last_step", sa.String(32), nullable=False),
        sa.Column("steps", sa.Integer, nullable=False),
        sa.Column("not_public_steps", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_sanctions_country", "sanctions", ["country"])
    op.create_table(
        "sanction_measures",
        sa.Column("measure_id", sa.String(64), primary_key=True),
        sa.Column("sanction_id", sa.String(64), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("effect", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("start_known", sa.Boolean, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("end_unknown", sa.Boolean, nullable=False),
        sa.Column("ended_by", sa.Date, nullable=True),
        sa.Column("last_verified_on", sa.Date, nullable=True),
        sa.Column("definition", sa.Text, nullable=False),
    )
    op.create_index("ix_sanction_measures_sanction_id", "sanction_measures", ["sanction_id"])
    op.create_index(
        "ix_sanction_measures_country_start", "sanction_measures", ["country", "starts_on"]
    )


def downgrade() -> None:
    op.drop_table("sanction_measures")
    op.drop_table("sanctions")
