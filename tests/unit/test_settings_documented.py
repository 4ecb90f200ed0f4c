"""Every setting readmit reads is documented in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from readmit.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_with_its_environment_variable() -> None:
    text = DOC.read_text()
    missing = [name for name in Settings.model_fields if f"`READMIT_{name.upper()}`" not in text]
    assert missing == []
