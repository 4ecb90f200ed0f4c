"""Transparency log: signed tree heads, cached Merkle subtrees, write seals, the verified position.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tree_heads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("frontier", sa.Text, nullable=False),
    )
    op.create_index("ix_tree_heads_size", "tree_heads", ["size"])
    op.create_table(
        "merkle_nodes",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "event_seals",
        sa.Column("last_seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("first_seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_verified",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("frontier", sa.Text, nullable=False),
        sa.Column("verified_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_verified")
    op.drop_table("event_seals")
    op.drop_table("merkle_nodes")
    op.drop_index("ix_tree_heads_size", table_name="tree_heads")
    op.drop_table("tree_heads")
