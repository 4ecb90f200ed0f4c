"""HTTP API load: single screening decisions over loopback, at a fixed rate and at saturation.

For each store (SQLite; PostgreSQL when READMIT_TEST_DATABASE_URL or --pg-url is given, first
with the decision log waiting for the disk, the default, then with
READMIT_DECISION_LOG_WAIT_FOR_DISK=false) and each worker count (1 and 2), a fresh database is
migrated, a consular officer is added, and ``readmit serve`` is started. Then:

- fixed rate: an open-loop generator sends POST /api/v1/screen at --rate requests/s for
  --seconds; latency is measured from each request's *scheduled* start (no coordinated
  omission), p50 and p99 reported;
- saturation: --clients closed-loop clients for --seconds; decisions/s reported.

Baseline, measured in the same run: the same screening service called in process (no HTTP),
decisions/s; every HTTP figure is also shown as a ratio of it. Loopback only; bounded in time.
Target (issue 19): p99 <= 10 ms at 500 requests/s with one worker, on both stores.

    uv run python bench/api.py [--rate 500] [--seconds 10] [--warmup 1] [--clients 16]
        [--pg-url URL] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

READMIT = str(Path(sys.executable).parent / "readmit")
GRACE = 10.0
TARGET_P99_MS = 10
APPLICANTS: list[dict[str, str]] = [
    {
        "nationality": "KH",
        "visa_class": "B1",
        "post_country": "KH",
        "employer": "KH-MFA",
        "rank": "director_general",
        "relationship": "self",
        "decision_date": "2022-03-01",
    },
    {"nationality": "FR", "visa_class": "B2", "post_country": "FR", "decision_date": "2022-03-01"},
    {"nationality": "KH", "visa_class": "F1", "post_country": "KH", "decision_date": "2022-03-01"},
    {"nationality": "ER", "visa_class": "B1", "post_country": "ER", "decision_date": "2022-03-01"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([READMIT, *args], env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"readmit {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"readmit_bench_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextmanager
def serving(env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as sink:
        process = subprocess.Popen(
            [READMIT, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            else:
                raise SystemExit("readmit serve did not start")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def ms(value: float) -> str:
    return "unanswered" if value == float("inf") else f"{value:.1f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Loopback:
    """A minimal HTTP/1.1 client over keep-alive connections, for loopback load only.

    httpx spends more CPU per request (over 2 ms) than the server it measures, and both share
    the machine's cores; this client pre-encodes each request and reads only the status line,
    the headers and a Content-Length body (~0.1 ms), so the figures are the server's.
    """

    def __init__(self, base: str, token: str, limit: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.limit, self.opened = host, int(port), limit, 0
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )
        self.waiting = asyncio.Semaphore(limit)
        self.requests = [self._encode(token, json.dumps(a).encode()) for a in APPLICANTS]

    def _encode(self, token: str, body: bytes) -> bytes:
        head = (
            f"POST /api/v1/screen HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def post(self, i: int) -> int:
        """Send request ``i`` (an applicant in turn) and return the status code."""
        async with self.waiting:
            if self.idle.empty() and self.opened < self.limit:
                self.opened += 1
                connection = await asyncio.open_connection(self.host, self.port)
            else:
                connection = await self.idle.get()
            reader, writer = connection
            writer.write(self.requests[i % len(self.requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            status, length = int(head[9:12]), 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            self.idle.put_nowait(connection)
            return status

    async def close(self) -> None:
        while not self.idle.empty():
            _reader, writer = self.idle.get_nowait()
            writer.close()


async def fixed_rate(
    base: str, token: str, rate: float, seconds: float, warmup: float = 0.0
) -> dict[str, Any]:
    """Open loop: request i is due at start + i/rate; latency counts from when it was due.

    The first ``warmup`` seconds of requests are sent the same way but not counted: a server
    that has just started is still loading what its first requests use.
    """
    skipped, total = int(rate * warmup), int(rate * (warmup + seconds))
    latencies: list[float] = []
    errors = 0
    client = Loopback(base, token, 256)
    await client.post(0)  # open the first connection
    start = time.perf_counter() + 0.01

    async def one(i: int, due: float) -> None:
        nonlocal errors
        status = await client.post(i)
        if i >= skipped:
            latencies.append((time.perf_counter() - due) * 1000)
            errors += status != 200

    # Each request is started when it is due (not all created up front, which would make the
    # first ones late by the time it takes to create the rest).
    tasks: set[asyncio.Task[None]] = set()
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(i, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    # Bounded: whatever is not answered within a grace period is unanswered.
    _done, pending = await asyncio.wait(tasks, timeout=GRACE) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.perf_counter() - start - warmup
    await client.close()
    answered = len(latencies)
    latencies += [float("inf")] * len(pending)
    return {
        "sent": total - skipped,
        "answered": answered,
        "achieved_rate": answered / elapsed,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "errors": errors,
    }


async def saturation(base: str, token: str, clients: int, seconds: float) -> dict[str, Any]:
    """Closed loop: ``clients`` each send the next request as soon as the last is answered."""
    done, errors = 0, 0
    pool = Loopback(base, token, clients)
    stop = time.perf_counter() + seconds

    async def client(k: int) -> None:
        nonlocal done, errors
        i = k
        while time.perf_counter() < stop:
            status = await pool.post(i)
            done, errors, i = done + 1, errors + (status != 200), i + 1

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    elapsed = time.perf_counter() - began
    await pool.close()
    return {"decisions_per_s": done / elapsed, "errors": errors}


def in_process_baseline(url: str, key_dir: Path, seconds: float) -> float:
    """Decisions/s of the screening service called directly, on the same store."""
    from readmit.services.context import Actor, bootstrap
    from readmit.services.screening.engine import ScreeningRequest
    from readmit.services.screening.letters import letter_for
    from readmit.services.screening.single import screen_one
    from readmit.settings import Settings

    app = bootstrap(
        Settings(database_url=url, key_dir=key_dir, data_dir=key_dir / "data", access_log=False)
    )
    actor, count = Actor("bench", "consular_officer"), 0
    for applicant in APPLICANTS:  # warm up: the pack loads and the rules compile once
        screen_one(app, actor, ScreeningRequest(inputs=applicant))
    stop = time.perf_counter() + seconds
    began = time.perf_counter()
    while time.perf_counter() < stop:
        result = screen_one(
            app, actor, ScreeningRequest(inputs=APPLICANTS[count % len(APPLICANTS)])
        )
        if result.has_letter:
            letter_for(app, result)
        count += 1
    rate = count / (time.perf_counter() - began)
    app.engine.dispose()
    return rate


def bench_store(name: str, url: str, work: Path, args: argparse.Namespace, **settings: str) -> None:
    env = {**os.environ, "READMIT_DATABASE_URL": url, "READMIT_KEY_DIR": str(work / "keys")}
    env["READMIT_DATA_DIR"] = str(work / "data")
    env.update({f"READMIT_{k.upper()}": v for k, v in settings.items()})
    if settings:
        name += " " + ", ".join(f"{k}={v}" for k, v in settings.items())
    run(env, "db", "upgrade")
    user = f"bench-{uuid.uuid4().hex[:8]}"
    token = run(env, "user", "add", user, "--role", "consular_officer").split()[-1]
    measured = []
    for workers in (1, 2):
        with serving(env, workers, work / f"serve-{name}-{workers}.log") as base:
            fixed = asyncio.run(fixed_rate(base, token, args.rate, args.seconds, args.warmup))
            saturated = asyncio.run(saturation(base, token, args.clients, args.seconds))
        measured.append((workers, fixed, saturated))
    # Last, so that the pages it leaves for the disk to write are not written during the above.
    baseline = in_process_baseline(url, work / "keys", args.seconds)
    print(f"\n[{name}] baseline, in process (no HTTP): {baseline:,.0f} decisions/s")
    for workers, fixed, saturated in measured:
        verdict = "meets" if fixed["p99_ms"] <= TARGET_P99_MS else "misses"
        print(
            f"[{name}] {workers} worker(s): at {args.rate:.0f} req/s, {fixed['answered']} of "
            f"{fixed['sent']} answered (achieved {fixed['achieved_rate']:,.0f}/s) p50 "
            f"{ms(fixed['p50_ms'])}, p99 {ms(fixed['p99_ms'])} "
            f"({verdict} p99 <= {TARGET_P99_MS} ms), "
            f"errors {fixed['errors']}; saturation {saturated['decisions_per_s']:,.0f} "
            f"decisions/s ({saturated['decisions_per_s'] / baseline:.2f}x baseline), "
            f"errors {saturated['errors']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500.0, help="Fixed rate, requests/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="Length of each phase")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="Uncounted seconds before the fixed rate"
    )
    parser.add_argument("--clients", type=int, default=16, help="Clients at saturation")
    parser.add_argument("--pg-url", default=os.environ.get("READMIT_TEST_DATABASE_URL"))
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    args.seconds = min(args.seconds, 30.0)
    args.warmup = min(args.warmup, 10.0)
    args.clients = min(args.clients, 64)
    args.rate = min(args.rate, 5000.0)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.only in (None, "sqlite"):
            bench_store("sqlite", f"sqlite:///{work / 'bench.db'}", work, args)
        if args.only in (None, "postgres"):
            if not args.pg_url:
                print("\n[postgres] skipped: set READMIT_TEST_DATABASE_URL or --pg-url")
                return
            with pg_database(args.pg_url) as url:
                bench_store("postgres", url, work, args)
            # The same, the log's commits not waiting for the disk (docs/settings.md).
            with pg_database(args.pg_url) as url:
                bench_store("postgres", url, work, args, decision_log_wait_for_disk="false")


if __name__ == "__main__":
    main()
