"""Types and the base model every request body shares.

Their limits and rules are the domain's (``domain/validation``, ``domain/dates``), so a value
the API takes is one the dashboard, the command line and the importer take too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
)

from readmit.domain import validation
from readmit.domain.countries import country_code
from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput


def _country(value: str) -> str:
    try:
        return country_code(value)
    except Exception as error:
        raise ValueError(str(error)) from None


def _strict_day(value: Any, info: ValidationInfo) -> Any:
    """Read a day only as YYYY-MM-DD text (never a number of seconds since 1970)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        return parse_date(value, info.field_name or "date")
    except InvalidInput as error:
        raise ValueError(error.message) from None


def _not_in_future(value: date | None, info: ValidationInfo) -> date | None:
    if value is None:
        return None
    try:
        return validation.not_in_future(value, info.field_name or "date", date.today())
    except InvalidInput as error:
        raise ValueError(error.message) from None


CountryCode = Annotated[
    str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)
]
Identifier = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=validation.MAX_IDENTIFIER, pattern=validation.IDENTIFIER_PATTERN
    ),
]
Name = Annotated[str, StringConstraints(max_length=validation.MAX_NAME)]
Text = Annotated[str, StringConstraints(max_length=validation.MAX_TEXT)]
# A day as YYYY-MM-DD, read strictly (pydantic alone reads 0 as 1970-01-01).
Day = Annotated[date, BeforeValidator(_strict_day)]
# The day something happened: not after today.
PastDay = Annotated[date, BeforeValidator(_strict_day), AfterValidator(_not_in_future)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
