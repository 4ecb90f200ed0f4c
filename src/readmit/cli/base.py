"""The Typer application, its shared options, and the one place errors become exit codes."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

import typer
from rich.console import Console
from typer._click.core import Context as ClickContext
from typer.core import TyperGroup

from readmit.domain.errors import (
    InvalidInput,
    LedgerCorrupt,
    NotFound,
    ReadmitError,
    SchemaMissing,
)
from readmit.services.context import Actor, App, bootstrap

# Exit codes: 0 ok; 1 the request was refused or something is wrong with the data;
# 2 bad input or usage; 3 the database has no schema; 4 not found.
EXIT_CODES: list[tuple[type[ReadmitError], int]] = [
    (SchemaMissing, 3),
    (NotFound, 4),
    (InvalidInput, 2),
    (LedgerCorrupt, 1),
    (ReadmitError, 1),
]

err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def exit_code(error: ReadmitError) -> int:
    """Return the exit code for a domain error."""
    return next(code for kind, code in EXIT_CODES if isinstance(error, kind))


class ReadmitGroup(TyperGroup):
    """Turns every readmit error into a one-line message and an exit code, never a traceback."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except ReadmitError as error:
            err.print(f"[bold red]error[/] ({error.code}): {error.message}", highlight=False)
            raise typer.Exit(exit_code(error)) from None


app = typer.Typer(
    cls=ReadmitGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="readmit: an auditable ledger of removal cooperation and visa sanctions.",
)


def get_app() -> App:
    """Build the application from settings (read once, here, not at import time)."""
    return bootstrap()


def cli_actor(application: App, role: str = "admin") -> Actor:
    """Return who the command line acts as: READMIT_ACTOR, or the operating-system user."""
    name = application.settings.actor or f"cli:{getpass.getuser()}"
    return Actor(name=name, role=role)


def print_json(value: Any) -> None:
    """Write JSON to standard output."""
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
