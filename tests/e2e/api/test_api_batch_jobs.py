"""Batch-screening jobs over HTTP: their files kept private under the data folder, and the
reason a job failed told in terms of the file sent, never of where the server keeps it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from api_support import Api

from readmit.domain.errors import UnreadableFile
from readmit.services.screening import jobs

HEADER = "application_id,nationality,visa_class,post_country,employer,rank,decision_date"
APPLICATIONS = f"{HEADER}\nA1,KH,B1,KH,KH-MFA,director_general,2021-06-01\n".encode()


def _submit(api: Api, name: str, content: bytes) -> dict[str, Any]:
    files = {"file": (name, content, "text/csv")}
    submitted = api.post("consular_officer", "/api/v1/screen/batch", files=files)
    assert submitted.status_code == 202, submitted.text
    job: dict[str, Any] = submitted.json()
    for _ in range(240):
        job = api.get("consular_officer", f"/api/v1/screen/batch/{job['job_id']}").json()
        if job["status"] in {"done", "failed"}:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job['job_id']} did not finish: {job}")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_an_api_batch_is_kept_under_the_data_folder_readable_by_the_server_only(
    api: Api,
) -> None:
    job = _submit(api, "visas.csv", APPLICATIONS)
    assert job["status"] == "done", job
    data = api.app.settings.data_dir
    folder = data / "jobs" / job["job_id"]
    assert _mode(data) == _mode(data / "jobs") == _mode(folder) == 0o700
    files = {path.name: _mode(path) for path in folder.iterdir()}
    assert files == {"input.csv": 0o600, "screened.csv": 0o600}


def _unreadable(*args: Any, source: Path, **kwargs: Any) -> Any:
    # What reading a file raises when it cannot be parsed: the message begins with its path.
    raise UnreadableFile(f"{source}: cannot be read as CSV: invalid quoting at line 2")


@pytest.mark.parametrize(
    ("content", "reading", "expected"),
    [
        (b"a,b\n1,2\n", None, "invalid_input: visas.csv has no column nationality"),
        (APPLICATIONS, _unreadable, "unreadable_file: visas.csv: cannot be read as CSV"),
    ],
    ids=["columns-missing", "unreadable"],
)
def test_a_failed_batch_names_the_file_sent_not_where_the_server_keeps_it(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    reading: Any,
    expected: str,
) -> None:
    if reading is not None:
        monkeypatch.setattr(jobs, "screen_file", reading)
    job = _submit(api, "visas.csv", content)
    assert job["status"] == "failed"
    assert job["error"].startswith(expected), job["error"]
    assert str(api.app.settings.data_dir) not in job["error"] and "input.csv" not in job["error"]
    refused = api.get("consular_officer", f"/api/v1/screen/batch/{job['job_id']}/result")
    assert refused.status_code == 409 and str(api.app.settings.data_dir) not in refused.text
