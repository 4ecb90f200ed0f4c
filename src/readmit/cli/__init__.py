"""The ``readmit`` command line: thin commands that call one service each.

Each group lives in its own module, listed in ``base.COMMANDS`` and imported when used.
"""

from __future__ import annotations

from readmit.cli.base import app


def main() -> None:
    """Run the command line."""
    app(prog_name="readmit")


__all__ = ["app", "main"]
