"""Batch screening as a job: an upload is stored, screened in the background, then downloaded.

The job's state lives in the database (any server worker can report its progress) and its
files under ``data_dir/jobs/<job_id>/``. The screening itself is ``batch.screen_file``,
the same streaming batch path as ``readmit screen``. Jobs belong to who submitted them.
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import insert, select, update

from readmit.domain.errors import Conflict, InvalidInput, NotFound, ReadmitError
from readmit.domain.events import utc_now, utc_text
from readmit.domain.permissions import Role
from readmit.services.access.access_log import writing
from readmit.services.context import Actor, App
from readmit.services.screening.batch import screen_file
from readmit.store.auth_schema import screening_jobs

KINDS = {".csv": "csv", ".parquet": "parquet"}
# One batch at a time per server process: the rest queue, and single decisions stay fast.
_RUNNING = threading.Semaphore(1)
_PROGRESS_EVERY = 0.5


@dataclass(frozen=True)
class Job:
    job_id: str
    owner: str
    owner_role: str
    status: str
    input_name: str
    kind: str
    as_of: date | None
    rows_done: int
    fraction: float
    batch_id: str | None
    summary: dict[str, Any] | None
    error: str | None
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Job:
        """Build a job from its row."""
        fields = {k: row[k] for k in cls.__dataclass_fields__ if k != "summary"}
        summary = json.loads(row["summary"]) if row["summary"] else None
        return cls(**fields, summary=summary)


def _folder(app: App, job_id: str) -> Path:
    return app.settings.data_dir / "jobs" / job_id


def _input(app: App, job: Job) -> Path:
    return _folder(app, job.job_id) / f"input.{job.kind}"


def _output(app: App, job: Job) -> Path:
    return _folder(app, job.job_id) / f"screened.{job.kind}"


def create_job(
    app: App, actor: Actor, filename: str, upload: BinaryIO, as_of: date | None = None
) -> Job:
    """Store an uploaded CSV or Parquet file as a queued screening job."""
    kind = KINDS.get(Path(filename or "").suffix.lower())
    if kind is None:
        raise InvalidInput(f"{filename or 'the upload'}: send a .csv or .parquet file")
    job_id, now = "j-" + secrets.token_hex(8), utc_text(utc_now())
    folder = _folder(app, job_id)
    folder.mkdir(parents=True, exist_ok=False)
    with (folder / f"input.{kind}").open("wb") as target:
        shutil.copyfileobj(upload, target, 1 << 20)
    with writing(app) as conn:
        conn.execute(
            insert(screening_jobs).values(
                job_id=job_id,
                owner=actor.name,
                owner_role=actor.role,
                status="queued",
                input_name=Path(filename).name[:255],
                kind=kind,
                as_of=as_of,
                rows_done=0,
                fraction=0.0,
                created_at=now,
                updated_at=now,
            )
        )
    return get_job(app, actor, job_id)


def _set(app: App, job_id: str, **values: Any) -> None:
    with writing(app) as conn:
        conn.execute(
            update(screening_jobs)
            .where(screening_jobs.c.job_id == job_id)
            .values(updated_at=utc_text(utc_now()), **values)
        )


def run_job(app: App, job_id: str) -> Job:
    """Screen a queued job's file (waiting for any other batch in this process to finish)."""
    with _RUNNING:
        job = _load(app, job_id)
        owner = Actor(job.owner, job.owner_role)
        _set(app, job_id, status="running")
        last = [0.0]

        def progress(rows: int, fraction: float) -> None:
            if time.monotonic() - last[0] >= _PROGRESS_EVERY:
                last[0] = time.monotonic()
                _set(app, job_id, rows_done=rows, fraction=min(fraction, 1.0))

        try:
            summary = screen_file(
                app,
                owner,
                source=_input(app, job),
                target=_output(app, job),
                as_of=job.as_of,
                progress=progress,
            )
        except ReadmitError as error:
            _set(app, job_id, status="failed", error=f"{error.code}: {error.message}")
            return _load(app, job_id)
        except Exception as error:  # a job must end, with a reason, whatever happened
            _set(app, job_id, status="failed", error=f"internal error ({type(error).__name__})")
            return _load(app, job_id)
        counts = {
            "rows": summary.rows,
            "malformed": summary.malformed,
            "by_decision": summary.by_decision,
            "by_measure": summary.by_measure,
            "pack_version": summary.pack_version,
            "input_digest": summary.input_digest,
        }
        rows = summary.rows + summary.malformed
        _set(
            app,
            job_id,
            status="done",
            rows_done=rows,
            fraction=1.0,
            batch_id=summary.batch_id,
            summary=json.dumps(counts),
        )
    return _load(app, job_id)


def start_job(app: App, job_id: str) -> None:
    """Run a job in a background thread of this process."""
    threading.Thread(target=run_job, args=(app, job_id), daemon=True, name=job_id).start()


def _load(app: App, job_id: str) -> Job:
    with app.engine.connect() as conn:
        row = (
            conn.execute(select(screening_jobs).where(screening_jobs.c.job_id == job_id))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"no screening job {job_id!r}", job_id=job_id)
    return Job.from_row(row)


def get_job(app: App, actor: Actor, job_id: str) -> Job:
    """Return a job its owner (or an administrator) may see; anyone else gets NotFound."""
    job = _load(app, job_id)
    if job.owner != actor.name and actor.role != Role.ADMIN:
        raise NotFound(f"no screening job {job_id!r}", job_id=job_id)
    return job


def result_file(app: App, actor: Actor, job_id: str) -> tuple[Path, str]:
    """Return the screened file of a finished job and its kind (csv or parquet)."""
    job = get_job(app, actor, job_id)
    if job.status in {"queued", "running"}:
        raise Conflict(
            f"job {job_id} is {job.status} ({job.fraction:.0%}); download it when done",
            status=job.status,
        )
    if job.status != "done":
        raise Conflict(f"job {job_id} failed: {job.error}", status=job.status)
    return _output(app, job), job.kind


def batch_input(app: App, decision_id: str) -> Path | None:
    """Return the stored input of the batch a row decision id names (to replay it), if any."""
    batch_id, _, row = decision_id.partition(":")
    if not row:
        return None
    with app.engine.connect() as conn:
        found = conn.execute(
            select(screening_jobs.c.job_id, screening_jobs.c.kind).where(
                screening_jobs.c.batch_id == batch_id
            )
        ).first()
    if found is None:
        return None
    path = _folder(app, found.job_id) / f"input.{found.kind}"
    return path if path.exists() else None
