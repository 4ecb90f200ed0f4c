"""The command line imports only the module of the command being run; its help lists them all."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import typer.main
from typer._click.core import Context
from typer.core import TyperGroup

from readmit.cli import app
from readmit.cli.base import COMMANDS

PROBE = """
import json, sys
from typer.testing import CliRunner
from readmit.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("readmit.cli.") or m == "altair")
print(json.dumps({"code": result.exit_code, "output": result.output, "loaded": loaded}))
"""


def probe(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_every_command_a_module_registers_is_listed_for_lazy_loading() -> None:
    for module in set(COMMANDS.values()):
        importlib.import_module(f"readmit.cli.{module}")
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert sorted(n for n in names if n) == sorted(COMMANDS)


def test_screen_imports_only_the_screening_commands() -> None:
    result = probe("screen", "--help")
    assert result["code"] == 0
    assert "--output" in str(result["output"])
    assert result["loaded"] == ["readmit.cli.base", "readmit.cli.screening"]


def test_help_lists_every_visible_command_with_its_help() -> None:
    result = probe("--help")
    output = str(result["output"])
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    for name in COMMANDS:
        command = root.get_command(Context(root), name)
        assert command is not None
        if not command.hidden:
            assert name in output
            assert (command.help or "").split()[0] in output
    assert "cli-reference" not in output


def test_a_mistyped_command_suggests_the_lazy_one() -> None:
    result = probe("scren")
    assert result["code"] == 2
    assert "Did you mean 'screen'?" in str(result["output"])
