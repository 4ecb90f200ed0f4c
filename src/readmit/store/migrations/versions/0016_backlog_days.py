"""The backlog's daily aggregates at the ledger head, and a document's first use on its fact.

A page at the ledger head read every opening and ending of a case ever recorded to count the
backlog at the end of its window: its cost grew with the whole history. ``coop_backlog_days``
keeps those counts per country, kind, party and day, so the backlog is a sum over days. The
lapsed-document tally probed each document's case for a manifest (``NOT EXISTS``); the fact
now records the position of the manifest that used the document (``used_seq``), and the
expiry index covers it. Both are filled here from the existing facts, and kept by the
cooperation projector from then on (``readmit db rebuild`` recreates them from the log).

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

OPENED, DOCUMENT_ISSUED, MANIFESTED, REMOVED, CLOSED = 1, 7, 9, 10, 15
KNOWN = ["seq", "rday", "void_seq", "void_rday"]
EXPIRY = ["country", "kind", "ref_day", "party", "subject_id", "day", *KNOWN]
DOCUMENTS = f"kind = {DOCUMENT_ISSUED} AND ref_day IS NOT NULL AND void_seq IS NULL"


def _expiry_index(columns: list[str]) -> None:
    partial = sa.text("ref_day IS NOT NULL")
    op.create_index(
        "ix_coop_facts_expiry",
        "coop_facts",
        columns,
        sqlite_where=partial,
        postgresql_where=partial,
    )


def upgrade() -> None:
    op.create_table(
        "coop_backlog_days",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("kind", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("party", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO coop_backlog_days (country, kind, party, day, n) "
        f"SELECT country, kind, party, CASE WHEN kind = {OPENED} OR day >= order_day "
        "THEN day ELSE order_day END AS bday, COUNT(*) FROM coop_facts "
        f"WHERE kind IN ({OPENED}, {REMOVED}, {CLOSED}) AND void_seq IS NULL "
        "GROUP BY country, kind, party, bday"
    )
    op.add_column("coop_facts", sa.Column("used_seq", sa.Integer, nullable=True))
    op.execute(
        "UPDATE coop_facts SET used_seq = (SELECT MIN(m.seq) FROM coop_facts m "
        f"WHERE m.subject_id = coop_facts.subject_id AND m.kind = {MANIFESTED} "
        "AND m.void_seq IS NULL AND m.day BETWEEN coop_facts.day AND coop_facts.ref_day) "
        f"WHERE {DOCUMENTS}"
    )
    op.drop_index("ix_coop_facts_expiry", table_name="coop_facts")
    _expiry_index([*EXPIRY, "used_seq"])


def downgrade() -> None:
    op.drop_index("ix_coop_facts_expiry", table_name="coop_facts")
    _expiry_index(EXPIRY)
    with op.batch_alter_table("coop_facts") as batch:
        batch.drop_column("used_seq")
    op.drop_table("coop_backlog_days")
