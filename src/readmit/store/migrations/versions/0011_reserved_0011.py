"""Reserved: accounts as ledger events (four-eyes, enrolment) (filled by the change that needs it; empty until then).

Revision ID: 0011
Revises: 0010
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
