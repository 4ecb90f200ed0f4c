"""Accounts as ledger events: login throttle, four-eyes requests, one-time enrolment codes.

No backfill: every user ever added has had its ``user_added`` event since 0004, so the users
table can be checked against the chain as it stands (``services/access/accounts_check``).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_allowed_at", sa.String(32), nullable=False),
        sa.Column("last_failure_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "account_requests",
        sa.Column("request_id", sa.String(32), primary_key=True),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("token_days", sa.Integer, nullable=False),
        sa.Column("first_digest", sa.String(64), nullable=True),
        sa.Column("requested_by", sa.String(128), nullable=False),
        sa.Column("requested_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.String(32), nullable=True),
    )
    op.create_index("ix_account_requests_user_name", "account_requests", ["user_name"])
    op.create_table(
        "enrolments",
        sa.Column("enrolment_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("second_digest", sa.String(64), nullable=True),
        sa.Column("token_days", sa.Integer, nullable=False),
        sa.Column("issued_by", sa.String(128), nullable=False),
        sa.Column("approved_by", sa.String(128), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("redeemed_at", sa.String(32), nullable=True),
    )
    op.create_index("ix_enrolments_user_id", "enrolments", ["user_id"])


def downgrade() -> None:
    for table in ("enrolments", "account_requests", "login_throttle"):
        op.drop_table(table)
