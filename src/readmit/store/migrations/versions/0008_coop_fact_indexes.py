"""Cooperation facts: every index of coop_facts leads with the country.

A country page reads one contiguous slice of each index, and an all-country read seeks each
country's slice in turn, with or without the planner's statistics. The subject index now also
covers what decides whether a fact is known at a reading (no table lookups for lapsed
documents).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KNOWN = ["seq", "rday", "void_seq", "void_rday"]
NEW = {
    "ix_coop_facts_country": (
        ["country", "kind", "party", "virtual", "day", "order_day", *KNOWN],
        None,
    ),
    "ix_coop_facts_lags": (["country", "kind", "day", "party", "lag", *KNOWN], "lag IS NOT NULL"),
    "ix_coop_facts_expiry": (
        ["country", "kind", "ref_day", "party", "subject_id", "day", *KNOWN],
        "ref_day IS NOT NULL",
    ),
    "ix_coop_facts_subject_known": (["subject_id", "kind", "day", *KNOWN], None),
}
OLD = {
    "ix_coop_facts_kind": (
        ["kind", "country", "party", "virtual", "day", "order_day", *KNOWN],
        None,
    ),
    "ix_coop_facts_lag": (
        ["kind", "day", "country", "party", "virtual", "lag", *KNOWN],
        "lag IS NOT NULL",
    ),
    "ix_coop_facts_ref": (
        ["ref_day", "kind", "country", "party", "subject_id", "day", *KNOWN],
        "ref_day IS NOT NULL",
    ),
    "ix_coop_facts_subject": (["subject_id", "kind", "day"], None),
}


def _create(indexes: dict[str, tuple[list[str], str | None]]) -> None:
    for name, (columns, where) in indexes.items():
        partial = sa.text(where) if where else None
        op.create_index(name, "coop_facts", columns, sqlite_where=partial, postgresql_where=partial)


def upgrade() -> None:
    for name in OLD:
        op.drop_index(name, table_name="coop_facts")
    _create(NEW)


def downgrade() -> None:
    for name in NEW:
        op.drop_index(name, table_name="coop_facts")
    _create(OLD)
