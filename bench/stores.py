"""Throw-away stores for the benchmarks: a SQLite file in a fresh folder, or a fresh database on
the PostgreSQL server of ``READMIT_BENCH_PG_URL``; either is removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway(backend: str) -> Iterator[str]:
    """The URL of an empty store of ``backend`` ("sqlite" or "postgres"), dropped on leaving."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="readmit-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    admin = os.environ.get("READMIT_BENCH_PG_URL", PG_URL)
    name = f"readmit_bench_{uuid.uuid4().hex[:8]}"
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
