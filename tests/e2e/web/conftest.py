"""Browser tests of the dashboard: a real server process over a temporary SQLite store, driven
by Debian's Chromium through Playwright (never a downloaded browser).

The server is started once per session on a free port; every test gets a fresh browser
context (1280 px wide unless it asks for a phone). Screenshots go to ``screenshots/`` at the
repository root, which git ignores.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from web_seed import PASSWORD, seed

from readmit.services.context import App

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The real server, exactly as an operator starts it: ``readmit serve``.
SERVER = "from readmit.cli import main; main()"


def _root_conftest(config: pytest.Config) -> ModuleType:
    plugin = config.pluginmanager.get_plugin(str(ROOT / "tests" / "conftest.py"))
    assert plugin is not None, "tests/conftest.py is not loaded"
    return plugin  # type: ignore[no-any-return]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within a minute")


class Site:
    """The running server: its address and the application over the same store."""

    def __init__(self, url: str, app: App) -> None:
        self.url = url
        self.app = app


@pytest.fixture(scope="session")
def web_site(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Site]:
    """Seed a temporary store, then serve it from a real server process on a free port."""
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'readmit.db'}"
    app = _root_conftest(pytestconfig).make_app(url, folder / "keys")
    seed(app)
    port = _free_port()
    env = {
        **os.environ,
        "READMIT_DATABASE_URL": url,
        "READMIT_KEY_DIR": str(folder / "keys"),
        "READMIT_DATA_DIR": str(folder / "data"),
    }
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield Site(base, app)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        app.engine.dispose()


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Any]:
    """Debian's Chromium under Playwright; skipped with a reason (or failed in CI) if absent."""
    if not Path(CHROMIUM).exists():
        _root_conftest(pytestconfig).skip_or_fail(
            "browser", f"browser tests need Debian's Chromium at {CHROMIUM}; skipped here"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, web_site: Site) -> Iterator[Any]:
    """A fresh browser context at 1280 px, pointed at the server."""
    context = browser.new_context(viewport=DESKTOP, base_url=web_site.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Any, web_site: Site) -> Iterator[Any]:
    """A fresh browser context at phone width."""
    context = browser.new_context(viewport=PHONE, base_url=web_site.url, is_mobile=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    """Save a full-page screenshot under screenshots/ and return its path."""

    def take(tab: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login() -> Callable[[Any, str], None]:
    """Sign a browser tab in as one of the seeded users, through the login form."""

    def sign_in(tab: Any, user: str) -> None:
        tab.goto("/login")
        tab.get_by_label("User name").fill(user)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.wait_for_load_state()
        assert "/login" not in tab.url, tab.content()[:2000]

    return sign_in
