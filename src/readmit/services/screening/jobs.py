"""Batch screening as a job: an upload is stored, screened in the background, then downloaded.

The one job system of both edges: the API's ``/screen/batch`` and the dashboard's
``/screening/batch`` submit, follow and download jobs here. The job's state lives in the
database (any server worker can report its progress) and its files under
``data_dir/jobs/<job_id>/``, readable by the server's user only (folders 0700, files 0600).
The screening itself is ``batch.screen_file``, the same streaming batch path as
``readmit screen``. Jobs belong to who submitted them (``may_see_screening_of``).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import insert, select, update

from readmit.domain import ids, validation
from readmit.domain.errors import Conflict, InvalidInput, NotFound, ReadmitError
from readmit.domain.events import utc_now, utc_text
from readmit.domain.permissions import may_see_screening_of
from readmit.services.access.access_log import writing
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import screening_pack
from readmit.services.screening.batch import BatchSummary, screen_file
from readmit.store.auth_schema import screening_jobs

KINDS = {".csv": "csv", ".parquet": "parquet"}
MAX_FILE_NAME = 255  # the jobs table's column
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
    pack: str | None
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


def _new_folder(app: App, job_id: str) -> Path:
    """Create a job's folder, readable by the server's user only."""
    app.settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    jobs = app.settings.data_dir / "jobs"
    jobs.mkdir(mode=0o700, exist_ok=True)
    jobs.chmod(0o700)  # one made before jobs were kept private has the umask's mode
    folder = jobs / job_id
    folder.mkdir(mode=0o700)
    return folder


def _private_file(path: Path) -> Path:
    """Create an empty file only the server's user may read; writers truncate it, keeping that."""
    path.touch(mode=0o600, exist_ok=False)
    return path


def create_job(
    app: App,
    actor: Actor,
    *,
    filename: str,
    upload: BinaryIO,
    as_of: date | None = None,
    pack: str | None = None,
) -> Job:
    """Store an uploaded CSV or Parquet file as a queued screening job."""
    validation.text(filename, "file name", MAX_FILE_NAME)  # a NUL or a novel: refused, not cut
    kind = KINDS.get(Path(filename or "").suffix.lower())
    if kind is None:
        raise InvalidInput(f"{filename or 'the upload'}: send a .csv or .parquet file")
    if pack:
        pack = screening_pack(app, pack).name  # one of the registry's, said now, not as a failure
    job_id, now = ids.job_id(), utc_text(utc_now())
    _store_upload(app, job_id, kind, upload)
    with writing(app) as conn:
        conn.execute(
            insert(screening_jobs).values(
                job_id=job_id,
                owner=actor.name,
                owner_role=actor.role,
                status="queued",
                input_name=Path(filename).name,
                kind=kind,
                as_of=as_of,
                pack=pack or None,
                rows_done=0,
                fraction=0.0,
                created_at=now,
                updated_at=now,
            )
        )
    return get_job(app, actor, job_id)


def _store_upload(app: App, job_id: str, kind: str, upload: BinaryIO) -> None:
    """Copy the upload into the job's new folder; make the result file's place, as private."""
    folder = _new_folder(app, job_id)
    with _private_file(folder / f"input.{kind}").open("wb") as target:
        shutil.copyfileobj(upload, target, 1 << 20)
    _private_file(folder / f"screened.{kind}")


def submit_job(
    app: App,
    actor: Actor,
    *,
    filename: str,
    upload: BinaryIO,
    as_of: date | None = None,
    pack: str | None = None,
) -> Job:
    """Store an upload as a job and screen it in the background, under ``pack`` (a pack of the
    registry; default: the installation's); return the queued job."""
    job = create_job(app, actor, filename=filename, upload=upload, as_of=as_of, pack=pack)
    start_job(app, job.job_id)
    return job


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
        _set(app, job_id, status="running")
        try:
            summary = _screen(app, job)
        except ReadmitError as error:
            _fail(app, job, f"{error.code}: {error.message}")
        except Exception as error:  # a job must end, with a reason, whatever happened
            _fail(app, job, f"internal error ({type(error).__name__})")
        else:
            _finish(app, job, summary)
    return _load(app, job_id)


def _screen(app: App, job: Job) -> BatchSummary:
    last = [0.0]

    def progress(rows: int, fraction: float) -> None:
        if time.monotonic() - last[0] >= _PROGRESS_EVERY:
            last[0] = time.monotonic()
            _set(app, job.job_id, rows_done=rows, fraction=min(fraction, 1.0))

    return screen_file(
        app,
        Actor(job.owner, job.owner_role),
        source=_input(app, job),
        target=_output(app, job),
        as_of=job.as_of,
        progress=progress,
        pack=job.pack,
    )


def _fail(app: App, job: Job, message: str) -> None:
    # Where the server keeps files is not its caller's business: name the file they sent.
    source = _input(app, job)
    message = message.replace(str(source), job.input_name).replace(source.name, job.input_name)
    message = message.replace(str(app.settings.data_dir), "the data folder")
    _set(app, job.job_id, status="failed", error=message)


def _finish(app: App, job: Job, summary: BatchSummary) -> None:
    counts = {
        "rows": summary.rows,
        "malformed": summary.malformed,
        "by_decision": summary.by_decision,
        "by_measure": summary.by_measure,
        "pack_version": summary.pack_version,
        "input_digest": summary.input_digest,
    }
    _set(
        app,
        job.job_id,
        status="done",
        rows_done=summary.rows + summary.malformed,
        fraction=1.0,
        batch_id=summary.batch_id,
        summary=json.dumps(counts),
    )


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
    """Return a job its owner (or a role with decision:read_all) may see; anyone else gets the
    NotFound of a job that does not exist."""
    job = _load(app, job_id)
    if not may_see_screening_of(actor.role, actor.name, job.owner):
        raise NotFound(f"no screening job {job_id!r}", job_id=job_id)
    return job


def result_file(app: App, actor: Actor, job_id: str) -> tuple[Job, Path]:
    """Return a finished job and its screened file (409 while it runs, or if it failed)."""
    job = get_job(app, actor, job_id)
    if job.status in {"queued", "running"}:
        raise Conflict(
            f"job {job_id} is {job.status} ({job.fraction:.0%}); download it when done",
            status=job.status,
        )
    if job.status != "done":
        raise Conflict(f"job {job_id} failed: {job.error}", status=job.status)
    return job, _output(app, job)


def batch_input(app: App, decision_id: str) -> Path | None:
    """Return the stored input of the batch a row decision id names (to replay it), if any."""
    batch_id, row = ids.split_batch_row(decision_id)
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
