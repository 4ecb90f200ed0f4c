"""The first hour of every role, on a freshly built demo, in Chromium.

For the public and each demo login: open the landing page and every page it links to, at their
default URLs, at 1280 px and 390 px; each answers 2xx, shows figures rather than only "not enough
data", shows no raw field name, and offers only forms its viewer may submit (checked against the
dashboard's own permission table, the one its routes enforce). A screenshot of each page is
written under ``screenshots/first-hour/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import DESKTOP, PHONE, SCREENSHOTS, SERVER, _free_port, _wait_until_up
from readmit.domain.permissions import PUBLIC_PERMISSIONS, Role, permissions_of
from readmit.web.views import site

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_support import demo_database

ROLES = [None, *(r.value for r in Role if r is not Role.PUBLIC)]
OUT = SCREENSHOTS / "first-hour"
# Signs of a raw field name or type on screen: snake_case words, Python's True/False, "x.0".
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\bTrue\b|\bFalse\b|\b\d{1,3}(,\d{3})*\.0\b")
ALLOWED_RAW = {"rdm_"}  # token prefixes shown on purpose
RATED = ("uncooperative", "at risk", "cooperative")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's database, served by `readmit serve` as a user would after `readmit demo`."""
    folder = tmp_path_factory.mktemp("first-hour")
    built = demo_database(tmp_path_factory)
    shutil.copy(built, folder / "readmit-demo.db")
    # The readmit.toml the demo left: its registry holds the EU's and the UK's sanctions too.
    shutil.copy(built.parent / "readmit.toml", folder / "readmit.toml")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("READMIT_")}
    env |= {"HOME": str(folder), "READMIT_DATABASE_URL": "sqlite:///readmit-demo.db"}
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


def _login(tab: Any, role: str) -> None:
    user = f"demo-{role.replace('_', '-')}"
    tab.goto("/login")
    tab.get_by_label("User name").fill(user)
    tab.get_by_label("Password").fill(f"{user}-password")
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_load_state()
    assert "/login" not in tab.url, f"{user} could not sign in: {tab.inner_text('main')[:300]}"


def _links(tab: Any, base: str) -> list[str]:
    found = tab.eval_on_selector_all("header a[href], main a[href]", "es => es.map(e => e.href)")
    paths = []
    for href in found:
        url = urlparse(href)
        if f"{url.scheme}://{url.netloc}" != base or url.path in {"/logout", "/login"}:
            continue
        if url.path.endswith((".atom", ".csv", ".json", ".pdf", ".svg", "/download")):
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return list(dict.fromkeys(paths))


def _route_of(path: str, method: str) -> str | tuple[str, ...] | None:
    """The permission the dashboard's route table gives a path (None: no such route)."""
    for (m, pattern), needs in site.route_permissions().items():
        regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", pattern) + "$"
        if m == method and re.match(regex, path):
            return needs
    return None


def _may(role: str | None, needs: str | tuple[str, ...]) -> bool:
    held = permissions_of(role) if role else PUBLIC_PERMISSIONS
    wanted = needs if isinstance(needs, tuple) else (needs,)
    return any(p in held for p in wanted)


def _check_page(tab: Any, role: str | None, path: str) -> list[str]:
    problems = []
    response = tab.goto(path)
    status = response.status if response else 0
    if not 200 <= status < 300:
        return [f"{role}: {path} answered {status}"]
    text = tab.inner_text("main")
    if "not enough data" in text and not any(word in text for word in RATED):
        problems.append(f"{role}: {path} shows only 'not enough data'")
    raw = {m.group(0) for m in RAW.finditer(text.replace("CC BY 4.0", ""))} - ALLOWED_RAW
    if raw:
        problems.append(f"{role}: {path} shows raw names {sorted(raw)[:8]}")
    for form in tab.eval_on_selector_all(
        "main form[method=post]", "fs => fs.map(f => new URL(f.action).pathname)"
    ):
        needs = _route_of(form, "POST")
        if needs is None or not _may(role, needs):
            problems.append(f"{role}: {path} offers a form to {form} it may not submit")
    return problems


def _shoot(tab: Any, role: str | None, path: str, width: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-zA-Z0-9]+", "-", f"{role or 'public'}{path}").strip("-")
    tab.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "public")
def test_every_page_a_role_reaches_from_its_landing_shows_its_story(
    browser: Any, demo_url: str, role: str | None
) -> None:
    problems: list[str] = []
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=demo_url)
        context.set_default_timeout(30_000)
        tab = context.new_page()
        if role:
            _login(tab, role)
        tab.goto("/")
        for path in ["/", *_links(tab, demo_url)]:
            problems += _check_page(tab, role, path) if width == "1280" else []
            if width == "390":
                tab.goto(path)
            _shoot(tab, role, path, width)
        context.close()
    assert not problems, "\n".join(problems)
