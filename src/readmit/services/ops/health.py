"""Is this server alive, and ready to answer: for a load balancer or an orchestrator.

Liveness says only that the process answers. Readiness checks what every answer needs: the
database reachable, its schema at the migration this version ships, the policy pack loaded.
No check names the database's address (the answers are public).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from readmit.domain.errors import ReadmitError
from readmit.services.context import App
from readmit.services.sanctions.pack import current_pack
from readmit.store import migrate
from readmit.store.db import missing_file


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)


def _database(app: App) -> str:
    if missing_file(app.engine) is not None:  # connecting would create an empty one
        raise ReadmitError("the database file does not exist: run `readmit db upgrade`")
    with app.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return "reachable"


def _schema(app: App) -> str:
    current, head = migrate.current_revision(app.engine), migrate.head_revision()
    if current != head:
        wanted = "run `readmit db upgrade`"
        raise ReadmitError(f"at migration {current or 'none'}, this version needs {head}: {wanted}")
    return f"at migration {head}"


def _pack(app: App) -> str:
    pack = current_pack(app)
    return f"{pack.name} version {pack.version}"


CHECKS: tuple[tuple[str, Callable[[App], str]], ...] = (
    ("database", _database),
    ("schema", _schema),
    ("policy_pack", _pack),
)


def _run(name: str, check: Callable[[App], str], app: App) -> Check:
    try:
        return Check(name, ok=True, detail=check(app))
    except ReadmitError as error:
        return Check(name, ok=False, detail=error.message)
    except SQLAlchemyError as error:  # the driver's text may name the server: say only its kind
        return Check(name, ok=False, detail=f"the database did not answer ({type(error).__name__})")


def readiness(app: App) -> Readiness:
    """Run every readiness check; a failed one does not stop the others."""
    found: list[Check] = []
    for name, check in CHECKS:
        done = _run(name, check, app)
        found.append(done)
        if name == "database" and not done.ok:
            found += [Check(n, ok=False, detail="not checked: no database") for n, _ in CHECKS[1:]]
            break
    return Readiness(tuple(found))
