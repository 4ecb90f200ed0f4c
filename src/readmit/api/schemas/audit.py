"""Bodies of the audit endpoints: the ledger's verification, the access log."""

from __future__ import annotations

from pydantic import BaseModel


class VerifyOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str


class AccessEntryOut(BaseModel):
    at: str
    kind: str
    actor: str
    role: str
    case_id: str | None
    fields: list[str]
    client: str
