"""Run ``readmit serve`` as a real process on a database, for tests over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

READMIT = str(Path(sys.executable).parent / "readmit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def readmit_env(url: str, key_dir: Path) -> dict[str, str]:
    return {**os.environ, "READMIT_DATABASE_URL": url, "READMIT_KEY_DIR": str(key_dir)}


def cli(env: dict[str, str], *args: str) -> str:
    """Run a readmit command; return its standard output (fail loudly on an error)."""
    done = subprocess.run([READMIT, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_user(env: dict[str, str], name: str, role: str, country: str | None = None) -> str:
    """Add a user through the CLI; return the token (the last word of the output)."""
    extra = ["--country", country] if country else []
    return cli(env, "user", "add", name, "--role", role, *extra).strip().split()[-1]


@dataclass
class Server:
    base: str
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)


@contextmanager
def serving(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[Server]:
    """Start ``readmit serve`` and wait until it answers; stop it afterwards."""
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
            _wait(base, process)
            yield Server(base, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, "readmit serve exited early"
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("readmit serve did not answer within 240 s")
