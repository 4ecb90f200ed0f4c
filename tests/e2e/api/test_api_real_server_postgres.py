"""A real ``readmit serve`` process on PostgreSQL: retries, contention, and a clean access log."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from server_support import Server, add_user, cli, readmit_env, serving

WORKERS = 50
CASE = {
    "case_id": "A-200-300-400",
    "nationality": "KH",
    "final_order_date": "2019-03-01",
    "criminal": False,
    "custody": "detained",
    "personal": {"given_name": "Sokha", "family_name": "Vannak", "date_of_birth": "1979-02-03"},
}


@pytest.fixture
def server(fresh_pg_url: Callable[[], str], tmp_path: Path) -> Iterator[tuple[Server, str]]:
    env = readmit_env(fresh_pg_url(), tmp_path / "keys")
    cli(env, "db", "upgrade")
    token = add_user(env, "officer", "case_officer")
    consular = add_user(env, "consul", "consular_officer")
    with serving(env, tmp_path / "server.log", workers=2) as running:
        running.tokens = {"consular_officer": consular}
        yield running, token


def test_a_fresh_server_shows_the_public_cambodias_measure_and_lets_a_consul_screen_only(
    server: tuple[Server, str],
) -> None:
    running, _ = server
    with httpx.Client(base_url=running.base, timeout=60) as public:
        registry = public.get("/api/v1/sanctions", params={"as_of": "2022-03-01"})
        assert registry.status_code == 200
        cambodia = [s for s in registry.json() if s["country"] == "KH"]
        assert cambodia and cambodia[0]["status"] == "in_force"
        assert public.post("/api/v1/screen", json={}).status_code == 401
    auth = {"Authorization": f"Bearer {running.tokens['consular_officer']}"}
    with httpx.Client(base_url=running.base, headers=auth, timeout=60) as consul:
        screened = consul.post(
            "/api/v1/screen",
            json={
                "nationality": "KH",
                "visa_class": "B2",
                "post_country": "KH",
                "employer": "KH-MFA",
                "rank": "director_general",
                "decision_date": "2022-03-01",
            },
        )
        assert screened.status_code == 200 and screened.json()["decision"] == "discontinued"
        ordered = consul.post(f"/api/v1/sanctions/{cambodia[0]['id']}/order", json={})
        assert ordered.status_code == 403


def test_retries_with_one_idempotency_key_record_one_event(server: tuple[Server, str]) -> None:
    running, token = server
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=running.base, headers=auth, timeout=60) as client:
        assert client.post("/api/v1/cases", json=CASE).status_code == 201
        path = f"/api/v1/cases/{CASE['case_id']}/events/presented"
        key = {"Idempotency-Key": "present-once"}

        def send(_: int) -> httpx.Response:
            return client.post(path, json={"occurred_on": "2019-04-01"}, headers=key)

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(send, range(20)))
        answers += [send(0) for _ in range(5)]
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 24
        history = client.get(f"/api/v1/cases/{CASE['case_id']}/history").json()
        assert [h["type"] for h in history] == ["case_opened", "presented"]


def test_fifty_concurrent_conflicting_updates_have_one_winner_per_version_and_lose_nothing(
    server: tuple[Server, str],
) -> None:
    running, token = server
    auth = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/cases/{CASE['case_id']}"
    with httpx.Client(base_url=running.base, headers=auth, timeout=60) as client:
        assert client.post("/api/v1/cases", json=CASE).status_code == 201
    winners: dict[int, int] = {}
    statuses: Counter[int] = Counter()
    lock, start = threading.Lock(), threading.Barrier(WORKERS)

    def writer(worker: int) -> None:
        with httpx.Client(base_url=running.base, headers=auth, timeout=60) as client:
            start.wait()
            for _ in range(400):
                version = client.get(path).headers["etag"]
                answer = client.post(
                    f"{path}/events/released",
                    json={"occurred_on": "2019-05-01", "reason": f"worker {worker}"},
                    headers={"If-Match": version},
                )
                with lock:
                    statuses[answer.status_code] += 1
                    if answer.status_code == 200:
                        applied = int(version.strip('"'))
                        assert applied not in winners, f"two winners on version {applied}"
                        winners[applied] = worker
                        return
                assert answer.status_code == 412, answer.text

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(writer, range(WORKERS)))
    assert sorted(winners) == list(range(1, WORKERS + 1))
    assert sorted(winners.values()) == list(range(WORKERS))
    assert set(statuses) <= {200, 412} and statuses[200] == WORKERS
    with httpx.Client(base_url=running.base, headers=auth, timeout=60) as client:
        final = client.get(path)
        assert final.headers["etag"] == f'"{WORKERS + 1}"'
        released = [h for h in client.get(f"{path}/history").json() if h["type"] == "released"]
        assert sorted(h["payload"]["reason"] for h in released) == sorted(
            f"worker {w}" for w in range(WORKERS)
        )
        assert client.get("/api/v1/audit/verify").json()["ok"] is True
    log = running.log.read_text()
    assert '"route": "/api/v1/cases/{case_id}/events/{event}"' in log or "{case_id}" in log
    for personal in ("A-200-300-400", "Sokha", "Vannak", "1979-02-03"):
        assert personal not in log
