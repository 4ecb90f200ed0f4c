"""Imports note the form of their rows' dedupe keys (event keys now begin with the row's date).

Imports recorded before this revision keep ``key_format`` NULL: their events carry the earlier
keys (a bare SHA-256), which a later import of the same rows still looks for.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("key_format", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("key_format")
