"""Writes held back instead of executed: what a pipelined import ships to its writer.

A connection whose execution options carry a ``Staged`` (``STAGED``, set by a unit of work's
``StagedSink``: ``store/event_sink``) runs its reads as usual and records each write (the
driver statement and its parameters, exactly as SQLAlchemy would have handed them to the
driver) instead of running it. Another connection, in another process, then replays them in
one transaction (``store/chunk_writer.py``). The code that computes the writes (the ledger,
the projections, the import's own bookkeeping) is the same code a direct write runs, so the
two cannot drift apart.

What a staged connection reads never includes its own staged writes: it suits work that, like
an import's chunk, reads what it needs first and only then writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import ExecutionContext

from readmit.store.event_rows import PlainRow

STAGED = "readmit_staged"
# The import's writes are plain INSERTs and UPDATEs, and its reads plain SELECTs. Anything else
# on a staged connection is refused: run there, a write would be lost or would take the lock.
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")
_READ_VERBS = ("SELECT",)


class StagingRefused(RuntimeError):
    """A staged connection was asked to run a statement it can neither stage nor run."""


# One write: the driver's statement, its parameters, and whether it is an executemany.
Statement = tuple[str, Any, bool]


@dataclass
class Staged:
    """The writes of one staged transaction, in the order they were made, and the events it
    appended: their rows left unsealed (``store/event_sink.StagedSink``), for whoever commits
    them to seal after the head they land on (``Ledger.append_rows``)."""

    statements: list[Statement] = field(default_factory=list)
    events: list[PlainRow] = field(default_factory=list)


def allow_staging(engine: Engine) -> None:
    """Have ``engine``'s connections stage their writes when asked to (idempotent)."""
    for name, listener in (
        ("do_execute", _execute),
        ("do_executemany", _executemany),
        ("do_execute_no_params", _execute_no_params),
    ):
        if not event.contains(engine, name, listener):
            event.listen(engine, name, listener)


def _staged(context: ExecutionContext, statement: str) -> Staged | None:
    """What to stage ``statement`` into; None to run it (a read, or not a staged connection)."""
    staged: Staged | None = context.execution_options.get(STAGED)
    if staged is None:
        return None
    verb = statement.lstrip()[:6].upper()
    if verb.startswith(_WRITE_VERBS):
        return staged
    if verb.startswith(_READ_VERBS):
        return None
    raise StagingRefused(f"a staged connection only stages writes and runs reads: {statement!r}")


def _execute(cursor: Any, statement: str, parameters: Any, context: ExecutionContext) -> bool:
    staged = _staged(context, statement)
    if staged is None:
        return False
    staged.statements.append((statement, _plain(parameters), False))
    return True


def _executemany(cursor: Any, statement: str, parameters: Any, context: ExecutionContext) -> bool:
    staged = _staged(context, statement)
    if staged is None:
        return False
    staged.statements.append((statement, [_plain(p) for p in parameters], True))
    return True


def _plain(parameters: Any) -> Any:
    """Named parameters keyed by plain ``str`` (SQLAlchemy keys them by a subclass of it, which
    the fast way of handing chunks over cannot carry); positional ones as they are."""
    if isinstance(parameters, dict):
        return {str(name): value for name, value in parameters.items()}
    return parameters


def _execute_no_params(cursor: Any, statement: str, context: ExecutionContext) -> bool:
    staged = _staged(context, statement)
    if staged is None:
        return False
    staged.statements.append((statement, None, False))
    return True
