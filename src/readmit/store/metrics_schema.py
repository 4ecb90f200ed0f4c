"""Tables of the cooperation projection (migration 0003 creates exactly these).

``coop_facts`` holds one narrow row per ledger event a cooperation metric counts: dates as day
numbers (days since 1970-01-01) so that lags are plain subtraction on SQLite and PostgreSQL
alike, the day it was recorded (``rday``) for "as of" questions, and the position and day of
the event that voided it, if any. ``coop_responses`` holds acknowledgements and contests of a
fact by the other side. Together they answer any window, as of any date and ledger position.
``coop_backlog_days`` and ``coop_backlog_months`` keep the backlog's daily and monthly counts at
the ledger head, so that a page at the head does not count every case ever opened;
``coop_fact_months``, ``coop_lag_months`` and ``coop_lapse_months`` keep the window's counts,
lags and lapsed documents by month, so that it does not count every fact in its window.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

from readmit.store.schema import metadata

coop_facts = Table(
    "coop_facts",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("subject_id", String(128), nullable=False),
    Column("country", String(2), nullable=False),
    Column("kind", SmallInteger, nullable=False),
    Column("party", SmallInteger, nullable=False),
    Column("day", Integer, nullable=False),
    Column("rday", Integer, nullable=False),
    Column("order_day", Integer, nullable=False),
    Column("virtual", SmallInteger, nullable=False),
    Column("lag", Integer, nullable=True),
    Column("ref_day", Integer, nullable=True),
    Column("void_seq", Integer, nullable=True),
    Column("void_rday", Integer, nullable=True),
    # A travel document's first use: the position of the earliest fact, not voided at the
    # ledger head, that manifested the case between the document's issue and its expiry (NULL:
    # not used). Read at the head instead of probing the case's manifests (migration 0016).
    Column("used_seq", Integer, nullable=True),
    # Every index leads with the country: a country's page reads one contiguous slice, and an
    # all-country read skip-scans the countries. Counts per (country, kind, party, virtual) over
    # a day range, read in that order, group without sorting.
    Index(
        "ix_coop_facts_country",
        "country",
        "kind",
        "party",
        "virtual",
        "day",
        "order_day",
        "seq",
        "rday",
        "void_seq",
        "void_rday",
    ),
    # Facts with a lag (interviews, documents, removals) by kind and day, for the medians.
    Index(
        "ix_coop_facts_lags",
        "country",
        "kind",
        "day",
        "party",
        "lag",
        "seq",
        "rday",
        "void_seq",
        "void_rday",
        sqlite_where=text("lag IS NOT NULL"),
        postgresql_where=text("lag IS NOT NULL"),
    ),
    # A case's facts of a kind by day (was it manifested before its document expired?),
    # covering what decides whether each is known at a reading.
    Index(
        "ix_coop_facts_subject_known",
        "subject_id",
        "kind",
        "day",
        "seq",
        "rday",
        "void_seq",
        "void_rday",
    ),
    # Travel documents by expiry day (only documents have one).
    Index(
        "ix_coop_facts_expiry",
        "country",
        "kind",
        "ref_day",
        "party",
        "subject_id",
        "day",
        "seq",
        "rday",
        "void_seq",
        "void_rday",
        "used_seq",
        sqlite_where=text("ref_day IS NOT NULL"),
        postgresql_where=text("ref_day IS NOT NULL"),
    ),
    Index("ix_coop_facts_rday", "rday"),
)

# The backlog's daily aggregates at the ledger head (migration 0016): per country, kind (the
# opening or an ending of a case), party and day, how many facts not voided at the head count
# on that day: an opening on its day, an ending on the later of its day and the case's order
# day (the day it leaves the backlog). A backlog at the head is a sum over days, whatever the
# number of cases; a reading at an earlier position or as of a date reads ``coop_facts``.
coop_backlog_days = Table(
    "coop_backlog_days",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("kind", SmallInteger, primary_key=True, autoincrement=False),
    Column("party", SmallInteger, primary_key=True, autoincrement=False),
    Column("day", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)
# The same counts by calendar month (migration 0019; ``month``: the day number of its first
# day): a backlog at the head sums the whole months before its end from here and only the days
# of its last, partial month from the daily counts, so it reads about a row a month of history
# for each country, kind and party instead of a row a day.
coop_backlog_months = Table(
    "coop_backlog_months",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("kind", SmallInteger, primary_key=True, autoincrement=False),
    Column("party", SmallInteger, primary_key=True, autoincrement=False),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)

# The window's tallies at the ledger head (migration 0018), kept beside the backlog's, per
# calendar month (``month``: the day number of its first day): facts not voided at the head per
# country, kind, party, mode and month (every fact a window counts); facts with a lag per
# country, kind, party, month and lag (the medians); documents with an expiry that no manifest
# used, per country, party and month of expiry (the documents that lapse once it has passed).
# A window at the head sums its whole months, whatever the number of their facts, and reads the
# facts of the days outside them (``store/metrics``). Months, not days: a day's lags are nearly
# as many as its facts, and an import's chunk, spread over years, touches far fewer months than
# days (one upserted row each).
coop_fact_months = Table(
    "coop_fact_months",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("kind", SmallInteger, primary_key=True, autoincrement=False),
    Column("party", SmallInteger, primary_key=True, autoincrement=False),
    Column("virtual", SmallInteger, primary_key=True, autoincrement=False),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)
coop_lag_months = Table(
    "coop_lag_months",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("kind", SmallInteger, primary_key=True, autoincrement=False),
    Column("party", SmallInteger, primary_key=True, autoincrement=False),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("lag", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)
coop_lapse_months = Table(
    "coop_lapse_months",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("party", SmallInteger, primary_key=True, autoincrement=False),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False),
)

coop_responses = Table(
    "coop_responses",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("target_seq", Integer, nullable=False),
    Column("country", String(2), nullable=False),
    Column("by_partner", SmallInteger, nullable=False),
    Column("stance", String(16), nullable=False),
    Column("rday", Integer, nullable=False),
    Column("void_seq", Integer, nullable=True),
    Column("void_rday", Integer, nullable=True),
    Index("ix_coop_responses_target", "target_seq", "seq"),
)

# Figures asserted outside the ledger, and measures a partner took in return, loaded from the
# policy pack (reference data, upserted by ``readmit db upgrade``; not a projection).
coop_claims = Table(
    "coop_claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("country", String(2), nullable=False),
    Column("metric", String(64), nullable=True),
    Column("counts", Text, nullable=False),
    Column("figure", Float, nullable=True),
    Column("figure_text", String(64), nullable=False),
    Column("refers_from", Date, nullable=True),
    Column("refers_to", Date, nullable=False),
    Column("asserted_by", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("article", String(64), nullable=True),
    Column("note", Text, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Index("ix_coop_claims_country", "country", "refers_to"),
)
