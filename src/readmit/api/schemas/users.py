"""Bodies of the user, token and session endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from readmit.api.schemas.common import CountryCode, Strict
from readmit.domain.permissions import Role

UserName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=1024)]


class UserIn(Strict):
    """A new user. No password: the user sets it by redeeming the enrolment code."""

    name: UserName
    role: Role
    country: CountryCode | None = None
    token_days: Annotated[int, Field(ge=1, le=730)] = 90


class UserOut(BaseModel):
    name: str
    role: str
    country: str | None
    active: bool
    created_at: str
    has_password: bool


class TokenOut(BaseModel):
    token_id: str
    user: str
    label: str
    created_at: str
    expires_at: str
    revoked_at: str | None


class IssuedTokenOut(BaseModel):
    """A new token. ``token`` is shown once; a replayed request shows it as null."""

    token: str | None = Field(description="Send as 'Authorization: Bearer <token>'")
    token_info: TokenOut
    user: UserOut | None = None
    replayed_without_secret: bool = False


class TokenIn(Strict):
    days: Annotated[int, Field(ge=1, le=730)] = 90
    label: Annotated[str, StringConstraints(max_length=128)] = ""


class PasswordIn(Strict):
    password: Password


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class MeOut(BaseModel):
    name: str
    role: str
    country: str | None
    permissions: list[str]


class SessionOut(BaseModel):
    user: MeOut
    csrf_token: str | None = Field(description="Send as X-CSRF-Token on unsafe calls")
    expires_at: str


class RoleIn(Strict):
    role: Role
    country: CountryCode | None = None


class EnrolIn(Strict):
    token_days: Annotated[int, Field(ge=1, le=730)] = 90


class EnrolmentOut(BaseModel):
    enrolment_id: str
    user: str
    expires_at: str
    issued_by: str
    approved_by: str | None
    two_halves: bool


class AccountRequestOut(BaseModel):
    request_id: str
    change: str
    user: str
    role: str | None
    country: str | None
    requested_by: str
    requested_at: str
    expires_at: str
    status: str
    decided_by: str | None


class AccountChangeOut(BaseModel):
    """What an account change did. ``secret`` is an enrolment code (or its half) for the user."""

    status: str = Field(description="done, or pending: a second administrator must approve")
    secret: str | None = Field(
        default=None,
        description="Hand it to the user, who redeems it at POST /api/v1/auth/enrol; shown once",
    )
    user: UserOut | None = None
    request: AccountRequestOut | None = None
    enrolment: EnrolmentOut | None = None
    replayed_without_secret: bool = False


class RedeemIn(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    second_code: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    password: Password | None = None
