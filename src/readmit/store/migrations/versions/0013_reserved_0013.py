"""What-if analyses: forecasts and scenarios recorded beside the ledger, never in it.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatif_analyses",
        sa.Column("analysis_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("scenario_id", sa.String(64), nullable=True),
        sa.Column("scenario_digest", sa.String(64), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("ledger_seq", sa.Integer, nullable=False),
        sa.Column("ledger_hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_whatif_analyses_scenario", "whatif_analyses", ["scenario_id", "recorded_at"]
    )


def downgrade() -> None:
    op.drop_table("whatif_analyses")
