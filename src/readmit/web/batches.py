"""Batch screening from the browser: the upload runs in the background, its progress in a file.

Each job is a folder (input, output, ``job.json``) under the system's temporary directory, so
any worker process on the machine can report its progress and serve its download; only the
user who uploaded it may see it.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from readmit.domain.errors import InvalidInput, NotFound, ReadmitError
from readmit.services.context import Actor, App
from readmit.services.screening.batch import screen_file

ROOT = Path(tempfile.gettempdir()) / "readmit-web-batches"
SUFFIXES = (".csv", ".parquet")


@dataclass
class Job:
    job_id: str
    owner: str
    input_name: str
    state: str = "queued"  # queued, running, done, failed
    rows_done: int = 0
    fraction: float = 0.0
    error: str = ""
    summary: dict[str, Any] | None = None


def _folder(job_id: str) -> Path:
    if not job_id.isalnum():
        raise NotFound(f"no batch {job_id!r}")
    return ROOT / job_id


def _save(job: Job) -> None:
    folder = _folder(job.job_id)
    temporary = folder / "job.json.tmp"
    temporary.write_text(json.dumps(asdict(job)), encoding="utf-8")
    temporary.replace(folder / "job.json")


def load(job_id: str, owner: str) -> Job:
    """Return a job of ``owner``; another user's job does not exist for them."""
    path = _folder(job_id) / "job.json"
    if not path.exists():
        raise NotFound(f"no batch {job_id!r}")
    job = Job(**json.loads(path.read_text(encoding="utf-8")))
    if job.owner != owner:
        raise NotFound(f"no batch {job_id!r}")
    return job


def output_of(job: Job) -> Path:
    """Return the screened file of a finished job."""
    suffix = Path(job.input_name).suffix.lower()
    return _folder(job.job_id) / f"screened{suffix}"


def start(app: App, actor: Actor, name: str, content: bytes) -> Job:
    """Store an upload and screen it in the background; return the job at once."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"upload a .csv or .parquet file, not {name!r}")
    if not content:
        raise InvalidInput("the uploaded file is empty")
    job = Job(secrets.token_hex(12), actor.name, Path(name).name)
    folder = _folder(job.job_id)
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"input{suffix}"
    source.write_bytes(content)
    _save(job)
    worker = threading.Thread(
        target=_run, args=(app, actor, job, source), name=f"batch-{job.job_id}", daemon=True
    )
    worker.start()
    return job


def _run(app: App, actor: Actor, job: Job, source: Path) -> None:
    last = 0.0

    def progress(rows: int, fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 0.25:
            job.rows_done, job.fraction, last = rows, fraction, now
            _save(job)

    job.state = "running"
    _save(job)
    try:
        result = screen_file(app, actor, source=source, target=output_of(job), progress=progress)
    except ReadmitError as error:
        job.state, job.error = "failed", error.message
    except Exception as error:  # the job page reports it; the server keeps running
        job.state, job.error = "failed", f"the batch could not be screened ({type(error).__name__})"
    else:
        job.state, job.fraction, job.rows_done = "done", 1.0, result.rows
        job.summary = {
            "batch_id": result.batch_id,
            "rows": result.rows,
            "malformed": result.malformed,
            "by_decision": result.by_decision,
            "by_measure": result.by_measure,
            "pack_version": result.pack_version,
            "input_digest": result.input_digest,
        }
    _save(job)
