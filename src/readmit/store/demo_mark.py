"""Whether the store holds the demo's synthetic scenario: `readmit demo` records an event about
the subject type "demo", and every page, letter and export of such a store says it is synthetic.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from readmit.store.schema import cases, events

SYNTHETIC_PREFIX = "SYN-"  # the demo's case ids: SYN-KH-000123


def demo_source(conn: Connection) -> str | None:
    """The source the demo's marker names (the public record it was built to match), or None
    when the store does not hold the demo."""
    found = conn.execute(
        select(events.c.source).where(events.c.subject_type == "demo").limit(1)
    ).first()
    return None if found is None else str(found[0])


def holds_synthetic_cases(conn: Connection, code: str | None = None) -> bool:
    """Tell whether the country's cases (any country's, without ``code``) include the demo's
    synthetic ones (ids ``SYN-…``).

    A range on the case id, not ``LIKE``: the primary key's index answers it at once, on a store
    of millions of real cases too.
    """
    after = SYNTHETIC_PREFIX[:-1] + chr(ord(SYNTHETIC_PREFIX[-1]) + 1)
    query = (
        select(cases.c.case_id)
        .where(cases.c.case_id >= SYNTHETIC_PREFIX, cases.c.case_id < after)
        .limit(1)
    )
    if code is not None:
        query = query.where(cases.c.nationality == code)
    return conn.execute(query).first() is not None
