"""The dashboard's batch screening is the API's job system: the same storage, owners, queue
and replay, whichever edge the file came in by."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from web_seed import ADMIN, PASSWORD

from readmit.services.access import users
from readmit.services.context import App
from readmit.services.screening import jobs

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
APPLICATIONS = (
    b"application_id,nationality,visa_class,decision_date,post_country,employer,rank,note\n"
    b"A1,KH,B1/B2,2022-03-01,KH,KH-MFA,director_general,official\n"
    b"A2,KH,B1/B2,2022-03-01,KH,,,private\n"
)


@pytest.fixture
def data_dir(seeded: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the shared application's data folder at a fresh, not yet existing folder."""
    folder = tmp_path / "data"
    monkeypatch.setattr(seeded.settings, "data_dir", folder)
    return folder


@pytest.fixture(scope="module")
def second_consul(seeded: App) -> str:
    """Another consular officer, who may screen but not see the first one's batches."""
    users.add_user(seeded, ADMIN, name="consul-2", role="consular_officer", password=PASSWORD)
    return "consul-2"


@pytest.fixture
def api(client_as: Client, seeded: App) -> Iterator[Callable[[str], dict[str, str]]]:
    """Return the API headers of a seeded user (a new token each call)."""

    def headers(user: str) -> dict[str, str]:
        token = users.issue_token(seeded, ADMIN, name=user).secret
        return {"Authorization": f"Bearer {token}"}

    yield headers


def _upload(client: TestClient, name: str = "applications.csv") -> str:
    form = client.get("/screening/batch")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/screening/batch",
        data={"csrf_token": token},
        files={"file": (name, APPLICATIONS, "text/csv")},
    )
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"]).rsplit("/", 1)[1]


def _job(client: TestClient, job_id: str) -> dict[str, Any]:
    response = client.get(f"/screening/batch/{job_id}.json")
    assert response.status_code == 200, response.text[:500]
    job: dict[str, Any] = response.json()["job"]
    return job


def _finished(client: TestClient, job_id: str) -> dict[str, Any]:
    for _ in range(240):
        job = _job(client, job_id)
        if job["status"] in {"done", "failed"}:
            return job
        time.sleep(0.1)
    raise AssertionError(f"batch {job_id} did not finish: {job}")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_dashboard_batch_is_kept_under_the_data_folder_readable_by_the_server_only(
    client_as: Client, data_dir: Path
) -> None:
    consul = client_as("consul")
    job_id = _upload(consul)
    assert _finished(consul, job_id)["status"] == "done"
    folder = data_dir / "jobs" / job_id
    assert _mode(data_dir) == _mode(data_dir / "jobs") == _mode(folder) == 0o700
    files = {path.name: _mode(path) for path in folder.iterdir()}
    assert files == {"input.csv": 0o600, "screened.csv": 0o600}
    page = consul.get(f"/screening/batch/{job_id}")
    assert "2 rows screened" in page.text and "Download the screened file" in page.text
    download = consul.get(f"/screening/batch/{job_id}/download")
    assert download.status_code == 200 and "discontinued" in download.text
    assert 'filename="applications-screened.csv"' in download.headers["content-disposition"]


def test_another_user_finds_a_dashboard_batch_no_more_than_one_that_does_not_exist(
    client_as: Client, data_dir: Path, second_consul: str, api: Callable[[str], dict[str, str]]
) -> None:
    consul = client_as("consul")
    job_id = _upload(consul)
    _finished(consul, job_id)
    other, missing = client_as(second_consul), "j-0000000000000000"
    for tail in ("", "/progress", "/download"):
        assert other.get(f"/screening/batch/{job_id}{tail}").status_code == 404, tail
    theirs, nothing = (other.get(f"/screening/batch/{j}.json") for j in (job_id, missing))
    assert theirs.status_code == nothing.status_code == 404
    assert json.loads(theirs.text.replace(job_id, "J")) == json.loads(
        nothing.text.replace(missing, "J")
    )
    # The same job through the API: its owner follows it there, the other user gets a 404.
    anonymous = client_as(None)
    owner = anonymous.get(f"/api/v1/screen/batch/{job_id}", headers=api("consul"))
    assert owner.status_code == 200 and owner.json()["status"] == "done"
    stranger = anonymous.get(f"/api/v1/screen/batch/{job_id}", headers=api(second_consul))
    assert stranger.status_code == 404


def test_a_dashboard_batch_waits_while_an_api_batch_of_the_same_user_is_screened(
    client_as: Client,
    data_dir: Path,
    api: Callable[[str], dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, release = threading.Event(), threading.Event()
    screen_file = jobs.screen_file

    def held(*args: Any, **kwargs: Any) -> Any:
        if not started.is_set():  # the first batch (the API's) holds until the test lets go
            started.set()
            release.wait(30)
        return screen_file(*args, **kwargs)

    monkeypatch.setattr(jobs, "screen_file", held)
    consul, anonymous, headers = client_as("consul"), client_as(None), api("consul")
    try:
        files = {"file": ("api.csv", APPLICATIONS, "text/csv")}
        submitted = anonymous.post("/api/v1/screen/batch", files=files, headers=headers)
        assert submitted.status_code == 202 and started.wait(10)
        job_id = _upload(consul)
        time.sleep(0.5)  # time enough for a batch that did not wait to start
        assert _job(consul, job_id)["status"] == "queued"
        assert "Queued" in consul.get(f"/screening/batch/{job_id}/progress").text
        first = anonymous.get(submitted.headers["location"], headers=headers).json()
        assert first["status"] == "running"
    finally:
        release.set()
    assert _finished(consul, job_id)["status"] == "done"
    assert anonymous.get(submitted.headers["location"], headers=headers).json()["status"] == "done"


def test_a_row_of_a_dashboard_batch_is_replayed_from_the_stored_upload(
    client_as: Client, data_dir: Path, api: Callable[[str], dict[str, str]]
) -> None:
    consul = client_as("consul")
    job = _finished(consul, _upload(consul))
    assert job["batch_id"] in consul.get(f"/screening/batch/{job['job_id']}").text
    replay = client_as(None).get(
        f"/api/v1/decisions/{job['batch_id']}:1/replay", headers=api("state")
    )
    assert replay.status_code == 200, replay.text
    assert replay.json()["unchanged"] is True
    assert replay.json()["then"]["decision"] == "discontinued"
