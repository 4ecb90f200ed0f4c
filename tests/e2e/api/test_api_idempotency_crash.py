"""A real server killed with ``kill -9`` under 50 keyed writers: every retry after the restart
has its effect at most once (the key's record commits with the effect, or not at all)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from server_support import READMIT, _wait, add_user, cli, free_port, readmit_env

pytestmark = pytest.mark.slow
WRITERS = 50
# The old design left claims pending after a crash and ran them again after two minutes.
RETRY_FOR = 200.0


def _case(number: int) -> dict[str, object]:
    return {
        "case_id": f"KILL-{number:03d}",
        "nationality": "KH",
        "final_order_date": "2019-03-01",
        "criminal": False,
        "custody": "detained",
    }


@contextmanager
def _server(env: dict[str, str], log: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``readmit serve`` in a process group of its own, so ``kill -9`` takes every worker."""
    with log.open("a") as sink:
        process = subprocess.Popen(
            [READMIT, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            try:
                _wait(f"http://127.0.0.1:{port}", process)
            except AssertionError as error:
                raise AssertionError(f"{error}: {log.read_text()[-2000:]}") from None
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def _release(client: httpx.Client, number: int) -> httpx.Response:
    return client.post(
        f"/api/v1/cases/KILL-{number:03d}/events/released",
        json={"occurred_on": "2020-01-02"},
        headers={"Idempotency-Key": f"release-{number}"},
    )


def _retry_until_answered(client: httpx.Client, number: int) -> httpx.Response:
    deadline = time.monotonic() + RETRY_FOR
    while True:
        try:
            answer = _release(client, number)
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.status_code < 500 and answer.status_code != 409:
            return answer
        assert time.monotonic() < deadline, f"request {number} never got an answer"
        time.sleep(0.5)


def _kill_midway(env: dict[str, str], tmp: Path, port: int, auth: dict[str, str]) -> int:
    """Start 50 keyed writers, kill the server with SIGKILL once a few have answered."""
    answered, start = [0], threading.Barrier(WRITERS + 1)
    lock = threading.Lock()

    def writer(number: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=60) as c:
            start.wait()
            try:
                if _release(c, number).status_code == 200:
                    with lock:
                        answered[0] += 1
            except httpx.HTTPError:
                pass  # the server died under this request: it is retried after the restart

    with _server(env, tmp / "server.log", port) as process:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=60) as c:
            for number in range(WRITERS):
                assert c.post("/api/v1/cases", json=_case(number)).status_code == 201
        with ThreadPoolExecutor(WRITERS) as pool:
            futures = [pool.submit(writer, number) for number in range(WRITERS)]
            start.wait()
            deadline = time.monotonic() + 60
            while answered[0] < WRITERS // 5 and time.monotonic() < deadline:
                time.sleep(0.005)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            for future in futures:
                future.result()
    return answered[0]


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.db'}"
    fresh_pg_url: Callable[[], str] = request.getfixturevalue("fresh_pg_url")
    return fresh_pg_url()


def test_a_server_killed_under_fifty_keyed_writers_applies_no_retry_twice(
    store_url: str, tmp_path: Path
) -> None:
    env = readmit_env(store_url, tmp_path / "keys")
    cli(env, "db", "upgrade")
    auth = {"Authorization": f"Bearer {add_user(env, 'officer', 'case_officer')}"}
    port = free_port()
    before_kill = _kill_midway(env, tmp_path, port, auth)
    assert before_kill < WRITERS, "the server answered every writer before it was killed"
    with (
        _server(env, tmp_path / "server.log", port),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=auth, timeout=60) as client,
    ):
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda n: _retry_until_answered(client, n), range(WRITERS)))
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers][:3]
        released = {
            number: [
                h["type"] for h in client.get(f"/api/v1/cases/KILL-{number:03d}/history").json()
            ].count("released")
            for number in range(WRITERS)
        }
    twice = sorted(n for n, count in released.items() if count > 1)
    assert twice == [], f"{len(twice)} of {WRITERS} effects recorded twice: {twice}"
    assert set(released.values()) == {1}
