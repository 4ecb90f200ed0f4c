"""The ``readmit`` command line: thin commands that call one service each.

Each group lives in its own module and is registered here.
"""

from __future__ import annotations

from readmit.cli import (  # noqa: F401  (registers commands)
    assess,
    audit,
    cases,
    claims,
    db,
    demo,
    export,
    imports,
    partner,
    reference,
    report,
    sanctions,
    screening,
    serve,
    users,
)
from readmit.cli.base import app


def main() -> None:
    """Run the command line."""
    app(prog_name="readmit")


__all__ = ["app", "main"]
