"""The window's tallies at the ledger head, by calendar month: counts, lags, unused documents.

At the head, a page summed its backlog from daily counts (0016) but still counted every fact
in its windows: their counts, their lags (for the medians) and their lapsed documents, so its
cost grew with the facts in its windows. By calendar month (``month``: the day number of its
first day), ``coop_fact_months`` keeps the facts' counts per country, kind, party and mode;
``coop_lag_months`` the facts with a lag per country, kind, party and lag; ``coop_lapse_months``
the documents with an expiry that no manifest used, per country and party, by month of expiry.
A window sums its whole months and reads the facts of its other days. They are filled here
from the existing facts, and kept by the cooperation projector from then on (``readmit db
rebuild`` recreates them from the log).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

INTERVIEW_HELD, DOCUMENT_ISSUED, REMOVED = 4, 7, 10


def _month(day: str) -> str:
    """SQL giving the day number of the first day of the month of a fact's ``day`` column."""
    if op.get_bind().dialect.name == "postgresql":
        return f"{day} - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + {day}) AS INTEGER) + 1"
    return f"{day} - CAST(strftime('%d', {day} * 86400, 'unixepoch') AS INTEGER) + 1"


def upgrade() -> None:
    op.create_table(
        "coop_fact_months",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("kind", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("party", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("virtual", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("month", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_table(
        "coop_lag_months",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("kind", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("party", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("month", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lag", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_table(
        "coop_lapse_months",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("party", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("month", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO coop_fact_months (country, kind, party, virtual, month, n) "
        f"SELECT country, kind, party, virtual, {_month('day')} AS mday, COUNT(*) "
        "FROM coop_facts WHERE void_seq IS NULL GROUP BY country, kind, party, virtual, mday"
    )
    op.execute(
        "INSERT INTO coop_lag_months (country, kind, party, month, lag, n) "
        f"SELECT country, kind, party, {_month('day')} AS mday, lag, COUNT(*) FROM coop_facts "
        f"WHERE kind IN ({INTERVIEW_HELD}, {DOCUMENT_ISSUED}, {REMOVED}) AND lag IS NOT NULL "
        "AND void_seq IS NULL GROUP BY country, kind, party, mday, lag"
    )
    op.execute(
        "INSERT INTO coop_lapse_months (country, party, month, n) "
        f"SELECT country, party, {_month('ref_day')} AS mday, COUNT(*) FROM coop_facts "
        f"WHERE kind = {DOCUMENT_ISSUED} AND ref_day IS NOT NULL AND void_seq IS NULL "
        "AND used_seq IS NULL GROUP BY country, party, mday"
    )


def downgrade() -> None:
    op.drop_table("coop_lapse_months")
    op.drop_table("coop_lag_months")
    op.drop_table("coop_fact_months")
