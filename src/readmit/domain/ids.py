"""Every identifier readmit makes, in one place: its prefix, its randomness, how it is read.

    decision   d-<20 hex>            one screening decision (80 random bits)
    batch      b-<16 hex>            one screened file; its rows are <batch id>:<row number>
    job        j-<16 hex>            one background screening job
    token      tok_<16 hex>          an API token's public id (never its secret)
    incident   <12 hex>              an unexpected error, quoted to the administrator
    sanction   <country>-<year>[-n]  a sanction; its measures are <sanction id>-<n>

Event ids are the ledger's (store/ledger.py): they order the id index by time.
"""

from __future__ import annotations

import secrets

DECISION_BYTES = 10


def decision_id(drawn: bytes) -> str:
    """A decision id from ``DECISION_BYTES`` random bytes the caller drew (it draws in bulk)."""
    return "d-" + drawn.hex()


def batch_id() -> str:
    return "b-" + secrets.token_hex(8)


def batch_row_id(batch: str, row: int | str) -> str:
    return f"{batch}:{row}"


def split_batch_row(decision: str) -> tuple[str, str]:
    """``b-…:12`` -> (``b-…``, ``12``); a single decision's id -> (its id, "")."""
    batch, _, row = decision.partition(":")
    return batch, row


def job_id() -> str:
    return "j-" + secrets.token_hex(8)


def token_id() -> str:
    return "tok_" + secrets.token_hex(8)


def incident_id() -> str:
    return secrets.token_hex(6)


def sanction_id(country: str, year: int, n: int = 1) -> str:
    """The n-th sanction id of a country and year: ``KH-2017``, then ``KH-2017-2``…"""
    return f"{country}-{year}" if n == 1 else f"{country}-{year}-{n}"


def measure_id(sanction: str, n: int) -> str:
    return f"{sanction}-{n}"
