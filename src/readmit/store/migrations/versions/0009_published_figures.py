"""Published figures: aggregate counts from published tables, loaded with the policy pack.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_figures",
        sa.Column("figure_id", sa.String(128), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("publisher", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("secondary", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index(
        "ix_published_figures_country",
        "published_figures",
        ["country", "measure", "period_start"],
    )


def downgrade() -> None:
    op.drop_table("published_figures")
