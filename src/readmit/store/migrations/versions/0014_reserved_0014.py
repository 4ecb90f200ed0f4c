"""Regimes beyond the US: each sanction and each measure of the registry names its regime.

The registry can hold the sanctions of several policy packs (US INA 243(d), EU Visa Code
Art. 25a, UK NABA 2022 s.72): ``regime`` is the pack whose history recorded the sanction, and
stays null for a sanction recorded live under the installation's default pack. The projection is
rebuilt from the ledger (``readmit db rebuild``) to fill it for rows written before.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sanctions", sa.Column("regime", sa.String(64), nullable=True))
    op.add_column("sanction_measures", sa.Column("regime", sa.String(64), nullable=True))
    op.create_index("ix_sanctions_regime", "sanctions", ["regime"])
    op.create_index("ix_sanction_measures_regime", "sanction_measures", ["regime"])


def downgrade() -> None:
    op.drop_index("ix_sanction_measures_regime", table_name="sanction_measures")
    op.drop_index("ix_sanctions_regime", table_name="sanctions")
    with op.batch_alter_table("sanction_measures") as batch:
        batch.drop_column("regime")
    with op.batch_alter_table("sanctions") as batch:
        batch.drop_column("regime")
