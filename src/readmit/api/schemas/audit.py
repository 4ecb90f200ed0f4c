"""Bodies of the audit endpoints: the ledger's verification, tree heads and proofs, the access
log."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from readmit.api.schemas.common import Strict
from readmit.domain.validation import MAX_LEDGER_POSITION

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class VerifyOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    reason: str
    heads_checked: int = 0
    signed_size: int | None = None
    verified_from: int = 0
    cached: bool = False


class HeadOut(BaseModel):
    """A signed tree head: the log of ``size`` events has this Merkle root."""

    size: int
    root_hash: str
    chain_hash: str
    signed_at: str
    reason: str
    key_id: str
    signature: str
    public_key: str


class HeadIn(Strict):
    """A tree head a partner kept, to be checked against today's log."""

    size: Annotated[int, Field(ge=0, le=MAX_LEDGER_POSITION)]
    root_hash: Hex64
    chain_hash: Hex64
    signed_at: Annotated[str, Field(min_length=1, max_length=32)]
    signature: Annotated[str, Field(min_length=1, max_length=200)]
    reason: Annotated[str, Field(max_length=64)] = ""
    key_id: Annotated[str, Field(max_length=64)] = ""
    public_key: Annotated[str, Field(max_length=200)] = ""


class HeadCheckOut(BaseModel):
    verdict: str
    extends: bool
    explanation: str
    kept: HeadIn
    latest: HeadOut | None = None
    proof: list[str] = []


class PublicKeyOut(BaseModel):
    public_key: str
    key_id: str
    pem: str


class InclusionOut(BaseModel):
    event_id: str
    seq: int
    leaf_index: int
    chain_hash: str
    leaf_hash: str
    tree_size: int
    root_hash: str
    proof: list[str]
    head: HeadOut | None


class ConsistencyOut(BaseModel):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]
    head: HeadOut | None


class ReceiptOut(BaseModel):
    """What a partner keeps: a signed head and the proof that its response is in it."""

    head: HeadOut
    leaf_index: int
    leaf_hash: str
    proof: list[str]


class AccessEntryOut(BaseModel):
    at: str
    kind: str
    actor: str
    role: str
    case_id: str | None
    fields: list[str]
    client: str
