"""An upload over the limit gets the dashboard's error page; the API keeps its 413 JSON."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from web_seed import ADMIN, PASSWORD

from readmit.api import create_app
from readmit.services.access import users
from readmit.services.context import App

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice that its test client will move
    from fastapi.testclient import TestClient

HEADER = b"application_id,nationality,visa_class,decision_date,post_country\n"
ROW = b"A1,KH,B2,2022-03-01,KH\n"


@pytest.fixture
def small_limits(seeded: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The dashboard and API with a 1,000-byte body limit and a 5,000-byte upload limit."""
    monkeypatch.setattr(seeded.settings, "api_max_body_bytes", 1_000)
    monkeypatch.setattr(seeded.settings, "api_max_upload_bytes", 5_000)
    monkeypatch.setattr(seeded.settings, "data_dir", seeded.settings.data_dir / "limits")
    with TestClient(create_app(seeded), follow_redirects=False) as client:
        yield client


def _signed_in(client: TestClient) -> str:
    token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        "/login", data={"username": "consul", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303, answer.text[:300]
    form = client.get("/screening/batch")
    return form.text.split('name="csrf_token" value="')[1].split('"')[0]


def _upload(client: TestClient, token: str, size: int) -> object:
    body = HEADER + ROW * ((size - len(HEADER)) // len(ROW))
    return client.post(
        "/screening/batch",
        data={"csrf_token": token},
        files={"file": ("applications.csv", body, "text/csv")},
        headers={"accept": "text/html"},
    )


def test_an_oversized_upload_gets_the_error_page_naming_the_limit_and_its_setting(
    small_limits: TestClient,
) -> None:
    answer = _upload(small_limits, _signed_in(small_limits), 8_000)
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert answer.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    page = answer.text  # type: ignore[attr-defined]
    assert "The file is too large" in page and "5,000 bytes" in page
    assert "api_max_upload_bytes" in page and "payload_too_large" in page
    assert '<nav aria-label="Main">' in page and "Sign out" in page, "the app's layout, signed in"
    assert '"code"' not in page


def test_an_upload_over_the_body_limit_but_under_the_upload_limit_is_screened(
    small_limits: TestClient,
) -> None:
    answer = _upload(small_limits, _signed_in(small_limits), 3_000)
    assert answer.status_code == 303, answer.text[:300]  # type: ignore[attr-defined]


def test_the_api_keeps_its_413_json(small_limits: TestClient, seeded: App) -> None:
    token = users.issue_token(seeded, ADMIN, name="consul").secret
    answer = small_limits.post(
        "/api/v1/screen/batch",
        files={"file": ("applications.csv", HEADER + ROW * 400, "text/csv")},
        headers={"Authorization": f"Bearer {token}", "accept": "text/html"},
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "payload_too_large"
