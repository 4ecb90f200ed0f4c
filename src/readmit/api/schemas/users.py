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
    name: UserName
    role: Role
    country: CountryCode | None = None
    password: Password | None = None
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
