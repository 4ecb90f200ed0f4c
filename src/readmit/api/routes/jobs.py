"""Batch screening over HTTP: upload a file (a job), follow its progress, download the result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Response, UploadFile
from fastapi.responses import FileResponse

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import JobOut
from readmit.api.schemas.common import Day
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.screening import jobs

router = APIRouter(prefix="/screen/batch", tags=["screening"], route_class=PolicyRoute)
JobId = Annotated[str, Path(min_length=1, max_length=32)]
MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def _out(job: jobs.Job) -> dict[str, Any]:
    done = job.status == "done"
    return {
        **job.__dict__,
        "result": f"/api/v1/screen/batch/{job.job_id}/result" if done else None,
    }


@router.post(
    "", status_code=202, response_model=JobOut, responses=error_responses(401, 403, 409, 422)
)
@policy(P.SCREEN)
def submit(
    app: Ctx,
    actor: Caller,
    response: Response,
    file: Annotated[UploadFile, File(description="Applications, .csv or .parquet")],
    as_of: Annotated[Day | None, Form(description="Decide every row as of this day")] = None,
    pack: Annotated[
        str | None,
        Form(max_length=64, description="A pack of the registry to screen under; default: yours"),
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Upload a file of applications; it is screened in the background (202, then poll)."""
    job = jobs.submit_job(
        app, actor, filename=file.filename or "", upload=file.file, as_of=as_of, pack=pack
    )
    response.headers["Location"] = f"/api/v1/screen/batch/{job.job_id}"
    return _out(job)


@router.get("/{job_id}", response_model=JobOut, responses=error_responses(401, 403, 404, 422))
@policy(P.SCREEN)
def status(job_id: JobId, app: Ctx, actor: Caller) -> Any:
    """A job's progress (rows done, fraction) and, when done, its summary."""
    return _out(jobs.get_job(app, actor, job_id))


@router.get(
    "/{job_id}/result",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The same rows with decision columns added",
            "content": {
                m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA.values()
            },
        },
        **error_responses(401, 403, 404, 409, 422),
    },
)
@policy(P.SCREEN)
def result(job_id: JobId, app: Ctx, actor: Caller) -> Any:
    """Download the screened file (409 while the job still runs)."""
    job, path = jobs.result_file(app, actor, job_id)
    return FileResponse(path, media_type=MEDIA[job.kind], filename=f"{job_id}-screened.{job.kind}")
