"""Check the counts the pages read against the cooperation facts they are kept from.

The country pages and the all-countries page read their backlog and lag figures from tables of
counts kept at the head (``store.backlog_days``); a count changed straight in the database, or
left wrong by a bug, would change what a page shows with nothing in the facts to say so. This
derives every count again from ``coop_facts`` and names each that differs. It writes nothing;
``readmit db rebuild`` derives them all again.
"""

from __future__ import annotations

from sqlalchemy import Connection

from readmit.services.access.accounts_check import Problem
from readmit.store import backlog_days

REPAIR = "run `readmit db rebuild` to derive the counts again from the events"


def check_aggregates(conn: Connection) -> list[Problem]:
    """Every held count that is not the facts', and every document whose first use is not."""
    found = [
        Problem(
            "aggregates",
            f"{table} {', '.join(str(part) for part in key)}",
            f"holds {held}, the cooperation facts give {wanted}: {REPAIR}",
        )
        for (table, key), (held, wanted) in backlog_days.drift(conn).items()
    ]
    found += [
        Problem(
            "aggregates",
            f"coop_facts {seq}",
            f"records the document's first use as {_use(held)}, the facts give {_use(wanted)}: "
            f"{REPAIR}",
        )
        for seq, held, wanted in backlog_days.unmarked_uses(conn)
    ]
    return found


def _use(seq: int | None) -> str:
    return "none" if seq is None else f"fact {seq}"
