"""Schema upgrades and projection rebuilds."""

from __future__ import annotations

from readmit.services.assessment import claims, published
from readmit.services.context import App
from readmit.services.sanctions.pack import PackLoadReport, load_history
from readmit.store import migrate
from readmit.store.bulk import settle_after_load
from readmit.store.projections import clear_projections, project, projection_tables


def upgrade(app: App) -> PackLoadReport:
    """Apply every migration, then load the policy pack's claims, published figures and
    historical sanctions (idempotently)."""
    migrate.upgrade(app.engine)
    claims.load_pack_claims(app)
    published.load_pack_published(app)
    return load_history(app)


def schema_revision(app: App) -> str | None:
    """The migration the store is at (None: no schema yet)."""
    return migrate.current_revision(app.engine)


def describe(app: App) -> str:
    """Return the database address without a password."""
    return app.engine.url.render_as_string(hide_password=True)


def rebuild(app: App, batch: int = 20_000) -> int:
    """Empty every projection and replay the whole log through the projectors, then leave
    the rebuilt tables ready to read (``VACUUM (ANALYZE)`` on PostgreSQL, ``ANALYZE`` on
    SQLite: ``store/bulk.settle_after_load``)."""
    with app.uow() as uow:
        clear_projections(uow.conn)
        chunk, count = [], 0
        for event in uow.ledger.iter_all(batch):
            chunk.append(event)
            if len(chunk) >= batch:
                project(uow.conn, chunk)
                count, chunk = count + len(chunk), []
        project(uow.conn, chunk)
        uow.commit()
    settle_after_load(app.engine, projection_tables())
    return count + len(chunk)
