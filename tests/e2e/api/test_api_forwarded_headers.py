"""A real ``readmit serve``: X-Forwarded-For is believed only from the proxies named in settings."""

from __future__ import annotations

from pathlib import Path

import httpx
from server_support import cli, readmit_env, serving
from sqlalchemy import create_engine, select

from readmit.cli.serve import proxy_options
from readmit.services.access import throttle
from readmit.settings import Settings
from readmit.store.auth_schema import login_throttle

PASSWORD = "a long enough passphrase"


def _guess(base: str, attempt: int) -> int:
    forwarded = {"X-Forwarded-For": f"203.0.113.{attempt}"}
    body = {"username": "det", "password": f"wrong {attempt}"}
    return httpx.post(f"{base}/api/v1/auth/login", json=body, headers=forwarded).status_code


def _throttled_clients(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        keys = conn.execute(select(login_throttle.c.key)).scalars().all()
    engine.dispose()
    return {key.rsplit("|", 1)[-1].removeprefix("c:") for key in keys}


def test_rotating_x_forwarded_for_from_loopback_does_not_evade_the_throttle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'readmit.db'}"
    env = readmit_env(url, tmp_path / "keys")
    cli(env, "db", "upgrade")
    (tmp_path / "password").write_text(PASSWORD)
    password_file = str(tmp_path / "password")
    cli(
        env,
        "user",
        "add",
        "det",
        "--role",
        "determining_authority",
        "--password-file",
        password_file,
    )
    with serving(env, tmp_path / "server.log") as server:
        answers = [_guess(server.base, attempt) for attempt in range(30)]
    # Five free guesses, then a wait that doubles: a slow machine may see one or two more.
    assert answers[: throttle.PAIR_FREE] == [401] * throttle.PAIR_FREE
    assert answers.count(429) >= 20
    assert _throttled_clients(url) == {"127.0.0.1"}


def test_a_named_proxy_is_believed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'readmit.db'}"
    env = {**readmit_env(url, tmp_path / "keys"), "READMIT_TRUSTED_PROXIES": '["127.0.0.1"]'}
    cli(env, "db", "upgrade")
    with serving(env, tmp_path / "server.log") as server:
        assert [_guess(server.base, attempt) for attempt in range(3)] == [401, 401, 401]
    assert _throttled_clients(url) == {f"203.0.113.{attempt}" for attempt in range(3)}


def test_no_proxy_is_trusted_by_default() -> None:
    assert proxy_options(Settings()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    named = proxy_options(Settings(trusted_proxies=["10.0.0.5", "10.1.0.0/16"]))
    assert named == {"proxy_headers": True, "forwarded_allow_ips": ["10.0.0.5", "10.1.0.0/16"]}
