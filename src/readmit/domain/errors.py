"""One error hierarchy for the whole of readmit, each error with a stable ``code``.

    ReadmitError                      (code: error)
    ├── InvalidInput                  (invalid_input)      bad value, unknown country, bad date
    │   ├── UnknownCountry            (unknown_country)
    │   └── UnreadableFile            (unreadable_file)    absent, not CSV/Parquet, columns missing
    ├── NotFound                      (not_found)
    ├── Conflict                      (conflict)           stale version, concurrent write
    │   ├── Duplicate                 (duplicate)          the same thing recorded twice
    │   └── StaleVersion              (stale_version)      If-Match / expected version is old
    ├── RuleViolation                 (rule_violation)     the domain refuses the step
    │   ├── IllegalTransition         (illegal_transition)
    │   ├── DocumentExpired           (document_expired)
    │   ├── FlightFull                (flight_full)
    │   ├── NationalityDisputed       (nationality_disputed)
    │   ├── WrongDestination          (wrong_destination)  flight goes elsewhere
    │   └── SeparationOfDuties        (separation_of_duties)
    ├── PermissionDenied              (permission_denied)
    ├── AuthenticationFailed          (authentication_failed) no, bad or expired credentials
    ├── RateLimited                   (rate_limited)       too many attempts; retry later
    ├── SchemaMissing                 (schema_missing)     run `readmit db upgrade`
    ├── PackError                     (pack_error)         a policy pack failed to load
    ├── StoreFailed                   (store_failed)       the database refused or lost a write
    └── LedgerCorrupt                 (ledger_corrupt)     the hash chain does not verify

Edges map these to exit codes and HTTP statuses in exactly one place each.
"""

from __future__ import annotations

from typing import Any


class ReadmitError(Exception):
    """Base of every error readmit reports to a user."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON body of this error."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInput(ReadmitError):
    code = "invalid_input"


class InvalidSetting(InvalidInput):
    """A setting whose value readmit cannot read (named, with what it expects)."""

    code = "invalid_setting"


class UnknownCountry(InvalidInput):
    code = "unknown_country"


class UnreadableFile(InvalidInput):
    code = "unreadable_file"


class NotFound(ReadmitError):
    code = "not_found"


class Conflict(ReadmitError):
    code = "conflict"


class Duplicate(Conflict):
    code = "duplicate"


class StaleVersion(Conflict):
    code = "stale_version"


class RuleViolation(ReadmitError):
    code = "rule_violation"


class IllegalTransition(RuleViolation):
    code = "illegal_transition"


class DocumentExpired(RuleViolation):
    code = "document_expired"


class FlightFull(RuleViolation):
    code = "flight_full"


class NationalityDisputed(RuleViolation):
    code = "nationality_disputed"


class WrongDestination(RuleViolation):
    code = "wrong_destination"


class SeparationOfDuties(RuleViolation):
    code = "separation_of_duties"


class PermissionDenied(ReadmitError):
    code = "permission_denied"


class AuthenticationFailed(ReadmitError):
    code = "authentication_failed"


class RateLimited(ReadmitError):
    code = "rate_limited"


class SchemaMissing(ReadmitError):
    code = "schema_missing"


class PackError(ReadmitError):
    code = "pack_error"


class StoreFailed(ReadmitError):
    code = "store_failed"


class LedgerCorrupt(ReadmitError):
    code = "ledger_corrupt"
