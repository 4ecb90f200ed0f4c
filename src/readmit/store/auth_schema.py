"""Tables of credentials and access: users, API tokens, web sessions, idempotency, access log.

They sit outside the hash-chained log (secrets have no place in it) and ``readmit db rebuild``
leaves them alone. Every change to a user or token is *also* recorded as an event in the log,
without its secret, so the audit trail stays complete; a user's role, country and status are the
projection of those events, checked against them by ``services/access/accounts_check``. Times
are fixed-width UTC text (``utc_text``) so they compare correctly as strings on every database.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text

from readmit.store.schema import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("country", String(2), nullable=True),
    Column("password_hash", Text, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(32), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(24), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    # SHA-256 of the token: a stolen database does not hand out working tokens.
    Column("digest", String(64), nullable=False, unique=True),
    Column("label", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal", String(128), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("method", String(8), nullable=False),
    Column("path", Text, nullable=False),
    Column("body_digest", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    Column("response_headers", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
    # The ids of the events the request recorded, written in the transaction of its effect.
    Column("effect", Text, nullable=True),
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("case_id", String(128), nullable=True),
    Column("fields", Text, nullable=False),
    Column("client", String(64), nullable=False),
    Index("ix_access_log_case", "case_id", "at"),
    Index("ix_access_log_kind_actor", "kind", "actor", "at"),
    Index("ix_access_log_kind_client", "kind", "client", "at"),
)

# Batch-screening jobs submitted over HTTP; their files live under ``data_dir/jobs/<job_id>``.
screening_jobs = Table(
    "screening_jobs",
    metadata,
    Column("job_id", String(32), primary_key=True),
    Column("owner", String(128), nullable=False, index=True),
    Column("owner_role", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("input_name", String(255), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("as_of", Date, nullable=True),
    Column("pack", String(64), nullable=True),  # null: the installation's default pack
    Column("rows_done", Integer, nullable=False),
    Column("fraction", Float, nullable=False),
    Column("batch_id", String(32), nullable=True, index=True),
    Column("summary", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

# Login attempts counted per (user, client) and per client, for the back-off in
# ``services/access/throttle``; one row per key, changed by one atomic upsert per attempt.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("next_allowed_at", String(32), nullable=False),
    Column("last_failure_at", String(32), nullable=False),
)

# Changes to duty-bearing accounts waiting for a second administrator (four-eyes). The ledger
# holds the request, the approval and the grant; this row holds what the grant needs: the digest
# of the requester's half of the enrolment code (never the code itself).
account_requests = Table(
    "account_requests",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("change", String(16), nullable=False),
    Column("user_name", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=True),
    Column("country", String(2), nullable=True),
    Column("token_days", Integer, nullable=False),
    Column("first_digest", String(64), nullable=True),
    Column("requested_by", String(128), nullable=False),
    Column("requested_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", String(32), nullable=True),
)

# One-time enrolment codes: the user redeems one to set a password and receive a token. Stored
# as SHA-256 digests; a duty-bearing user's code has two halves, one from each administrator.
enrolments = Table(
    "enrolments",
    metadata,
    Column("enrolment_id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("second_digest", String(64), nullable=True),
    Column("token_days", Integer, nullable=False),
    Column("issued_by", String(128), nullable=False),
    Column("approved_by", String(128), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("redeemed_at", String(32), nullable=True),
)
