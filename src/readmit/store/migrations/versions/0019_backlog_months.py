"""The backlog's counts at the ledger head by calendar month, beside its daily counts.

A backlog at the head summed its daily counts (0016) from the first day of the history to the
end of its window: a row a day for each country, kind and party (about 650,000 rows read at 2M
cases, the heaviest statement of the all-countries page on PostgreSQL). ``coop_backlog_months``
keeps the same counts per calendar month (``month``: the day number of its first day), so a
backlog sums the whole months before its end from here and the days of its last, partial month
from ``coop_backlog_days``. Filled here from the daily counts, kept by the cooperation projector
from then on (``readmit db rebuild`` recreates it from the log).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _month(day: str) -> str:
    """SQL giving the day number of the first day of the month of a ``day`` column."""
    if op.get_bind().dialect.name == "postgresql":
        return f"{day} - CAST(EXTRACT(DAY FROM DATE '1970-01-01' + {day}) AS INTEGER) + 1"
    return f"{day} - CAST(strftime('%d', {day} * 86400, 'unixepoch') AS INTEGER) + 1"


def upgrade() -> None:
    op.create_table(
        "coop_backlog_months",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("kind", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("party", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("month", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO coop_backlog_months (country, kind, party, month, n) "
        f"SELECT country, kind, party, {_month('day')} AS mday, SUM(n) FROM coop_backlog_days "
        "GROUP BY country, kind, party, mday"
    )


def downgrade() -> None:
    op.drop_table("coop_backlog_months")
