"""A batch job names the pack it screens under (null: the installation's default pack).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_jobs") as batch:
        batch.add_column(sa.Column("pack", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_jobs") as batch:
        batch.drop_column("pack")
