"""Take the README's dashboard screenshot (docs/img/dashboard.png) from a running demo.

    python3 -m uv run readmit demo --port 8791 &        # wait for "serving the dashboard"
    python3 -m uv run python scripts/screenshot_dashboard.py http://127.0.0.1:8791

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; never downloads a browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGET = Path(__file__).resolve().parents[1] / "docs" / "img" / "dashboard.png"


def main(base: str) -> None:
    """Sign in as the demo analyst and capture every country's cooperation in May 2022."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "demo-analyst")
        page.fill("input[name=password]", "demo-analyst-password")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/analyst?to=2022-05-16")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(TARGET))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
