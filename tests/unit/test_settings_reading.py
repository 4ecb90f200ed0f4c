"""Settings as an operator writes them: a list as items separated by commas or as JSON; a value
readmit cannot read is named, with what it expects, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from readmit.domain.errors import InvalidSetting
from readmit.settings import read_settings

EU, UK = "eu_visa_code_25a", "uk_naba_2022_s72"


@pytest.mark.parametrize(
    "given",
    [f"{EU},{UK}", f" {EU} , {UK} ", f'["{EU}", "{UK}"]'],
    ids=["commas", "spaces", "json"],
)
def test_a_list_setting_reads_commas_or_json(given: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READMIT_REGISTRY_PACKS", given)
    assert read_settings().registry_packs == [EU, UK]


def test_an_unreadable_setting_is_named_with_what_it_expects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READMIT_ACCESS_LOG", "maybe")
    with pytest.raises(InvalidSetting, match=r"READMIT_ACCESS_LOG .*valid boolean.*'maybe'"):
        read_settings()


def test_the_command_line_says_which_setting_is_wrong_without_a_traceback(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "READMIT_ACCESS_LOG": "maybe", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "from readmit.cli import main; main()", "sanctions", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "READMIT_ACCESS_LOG" in done.stderr and "Traceback" not in done.stderr
