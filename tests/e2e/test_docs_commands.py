"""Every shell command in README.md and docs/ runs, as written, in a folder where the demo ran.

The commands are taken from the fenced ``sh`` blocks (and unlabelled blocks) of the Markdown
files; docs/cli.md is the generated reference, tested on its own. A block runs line by line in
one folder, in order, so a later line can read what an earlier one wrote (a checkpoint, a token).
``readmit serve`` starts the server in the background for the lines after it. Lines that show a
command's shape rather than a command (``ID``, ``XX``, ``[--as-of DATE]``, ``…``) are synopses and
are not run; the quick start (``python3 -m …``) is what CI itself runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE = {"readmit", "curl", "printf", "echo", "cat", "ls"}
# Upper-case words a synopsis uses for what the reader fills in.
PLACEHOLDER = re.compile(r"\b(ID|XX|FILE|DIR|DATE|N|INPUT|OUTPUT|PATH|DECISION_ID|SANCTION_ID)\b")
PORT = 8765


@dataclass(frozen=True)
class Command:
    source: str  # file:line
    line: str


# Tested on their own: the generated CLI reference, and the authoring guide, whose commands need
# the fictional pack its YAML blocks build (tests/e2e/test_authoring_guide.py builds it).
TESTED_ELSEWHERE = {"cli.md", "authoring-a-sanction.md"}


def _documents() -> list[Path]:
    docs = sorted((ROOT / "docs").rglob("*.md"))
    return [ROOT / "README.md", *(d for d in docs if d.name not in TESTED_ELSEWHERE)]


def _blocks(path: Path) -> Iterator[list[Command]]:
    """Yield each fenced sh or unlabelled block of a file as its runnable commands."""
    fenced, runnable, pending = False, False, ""
    block: list[Command] = []
    name = path.relative_to(ROOT)
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text.startswith("```"):
            if fenced and block:
                yield block
            fenced, block = not fenced, []
            runnable = fenced and text.strip("`").strip() in {"", "sh"}
            continue
        if not runnable:
            continue
        joined = pending + text.rstrip()
        if joined.endswith("\\"):
            pending = joined[:-1] + " "
            continue
        pending = ""
        command = _command(joined)
        if command:
            block.append(Command(f"{name}:{number}", command))


def _command(text: str) -> str | None:
    """The command a line runs, without its comment; None for prose, output or a synopsis."""
    words = text.split()
    if not words or words[0] not in RUNNABLE:
        return None
    line = re.sub(r"\s+#\s.*$", "", text).strip()
    if "…" in line or "..." in line or "[--" in line or "|" in line or PLACEHOLDER.search(line):
        return None
    return line


def all_commands() -> list[list[Command]]:
    return [block for path in _documents() for block in _blocks(path)]


def test_the_docs_hold_enough_commands_to_be_worth_running() -> None:
    commands = [c for block in all_commands() for c in block]
    assert len(commands) >= 25, [c.source for c in commands]
    assert any(c.line.startswith("readmit case show") for c in commands)


@dataclass(frozen=True)
class UserMachine:
    folder: Path  # where the user ran `readmit demo`
    env: dict[str, str]  # their environment: their own home, no READMIT_ settings


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> UserMachine:
    """`readmit demo --no-serve` run in an empty folder, as the README says, under a home of
    its own: the folder then holds the database, readmit.toml and demo-output/, and the home
    the signing key and the signed tree heads, exactly as on a user's machine. Every document's
    commands run there, one document after another."""
    root = tmp_path_factory.mktemp("user-machine")
    folder, env = root / "here", _environment(root / "home")
    folder.mkdir()
    built = subprocess.run(
        ["bash", "-c", "readmit demo --no-serve"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    return UserMachine(folder, env)


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READMIT_")}
    env["HOME"] = str(home)  # keys and job files go under this home, as on a user's machine
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    return env


def _serve(line: str, folder: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    line = re.sub(r"--port \d+", f"--port {PORT}", line)
    server = subprocess.Popen(
        ["bash", "-c", f"exec {line}"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/health/ready", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise AssertionError(f"`{line}` did not start serving within 60 s")


def _run_block(block: list[Command], folder: Path, env: dict[str, str]) -> list[str]:
    failures: list[str] = []
    server: subprocess.Popen[bytes] | None = None
    try:
        for command in block:
            line = command.line.replace(":8000", f":{PORT}")
            if line.startswith("readmit serve"):
                server = _serve(line, folder, env)
                continue
            done = subprocess.run(
                ["bash", "-c", line],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode != 0 or "Traceback" in done.stderr:
                said = (done.stderr or done.stdout).strip()[-600:]
                failures.append(
                    f"{command.source}: `{command.line}` exit {done.returncode}: {said}"
                )
    finally:
        if server is not None:
            server.kill()
            server.wait()
    return failures


@pytest.mark.parametrize(
    "document",
    [d for d in _documents() if any(_blocks(d))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_command_in_the_docs_runs_as_written(document: Path, machine: UserMachine) -> None:
    blocks = list(_blocks(document))
    failures = [f for block in blocks for f in _run_block(block, machine.folder, machine.env)]
    assert not failures, "\n".join(failures)
