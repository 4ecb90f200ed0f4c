"""Write seals: each committed write signs the tip of the chain it leaves, in its transaction.

``attest_commits(app)`` hooks the engine's commit: when a writing transaction has moved the
ledger's head past the last seal (or signed head), the installation's key signs
``{"log": "readmit seal v1", "first": ..., "last": ..., "hash": ...}`` and the seal commits
with the events. An event appended to the database by anyone else leaves the tip unsealed,
which ``audit verify`` reports. (A pipelined import's writer process seals nothing; the head the
import signs when it ends covers its events.)
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection, event, func, insert, select

from readmit.domain.events import canonical_json
from readmit.services.context import App
from readmit.services.transparency.keys import signing_key
from readmit.store.schema import ledger_head
from readmit.store.transparency_schema import event_seals, tree_heads

SEAL = "readmit seal v1"
_MEMO = "transparency.sealing"


def seal_statement(first: int, last: int, chain: str) -> bytes:
    """The bytes a seal's signature covers."""
    return canonical_json({"first": first, "hash": chain, "last": last, "log": SEAL}).encode()


def attested_upto(conn: Connection) -> int:
    """The last sequence number a seal or a signed head covers."""
    sealed = conn.execute(select(func.max(event_seals.c.last_seq))).scalar() or 0
    headed = conn.execute(select(func.max(tree_heads.c.size))).scalar() or 0
    return max(int(sealed), int(headed))


def seal_tip(app: App, conn: Connection) -> None:
    """Seal the events this transaction appended past the last attested one, if any."""
    row = conn.execute(select(ledger_head.c.seq, ledger_head.c.hash)).first()
    if row is None:
        return
    start = attested_upto(conn)
    if row.seq <= start:
        return
    signature = signing_key(app).sign(seal_statement(start + 1, row.seq, row.hash))
    conn.execute(
        insert(event_seals).values(
            last_seq=row.seq,
            first_seq=start + 1,
            hash=row.hash,
            signature=base64.b64encode(signature).decode(),
        )
    )


def attest_commits(app: App) -> None:
    """Seal every write committed through this application's engine (once per engine)."""
    engine = app.engine
    if app.memo.get(_MEMO) is engine:
        return
    app.memo[_MEMO] = engine

    def before_commit(conn: Connection) -> None:
        options: dict[str, Any] = dict(conn.get_execution_options())
        if options.get("readmit_write") and not conn.info.get(_MEMO):
            conn.info[_MEMO] = True
            try:
                seal_tip(app, conn)
            finally:
                conn.info[_MEMO] = False

    event.listen(engine, "commit", before_commit)
