"""Whether the store holds the demo's synthetic scenario: `readmit demo` records an event about
the subject type "demo", and every page, letter and export of such a store says it is synthetic.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from readmit.store.schema import events


def demo_source(conn: Connection) -> str | None:
    """The source the demo's marker names (the public record it was built to match), or None
    when the store does not hold the demo."""
    found = conn.execute(
        select(events.c.source).where(events.c.subject_type == "demo").limit(1)
    ).first()
    return None if found is None else str(found[0])
