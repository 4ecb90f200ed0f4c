"""The Typer application, its shared options, and the one place errors become exit codes.

Command modules are imported only when their command is looked up, so that ``readmit screen``
does not pay for importing the report, demo or server code (``--help`` still loads them all).
"""

from __future__ import annotations

import getpass
import importlib
import json
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any, NoReturn

import typer
import typer.main
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import DBAPIError
from typer._click.core import Command
from typer._click.core import Context as ClickContext
from typer.core import TyperGroup

from readmit.domain.errors import (
    InvalidInput,
    LedgerCorrupt,
    NotFound,
    ReadmitError,
    SchemaMissing,
    StoreFailed,
)
from readmit.services.context import Actor, App, bootstrap
from readmit.services.transparency.seals import attest_commits

# Exit codes: 0 ok; 1 the request was refused or something is wrong with the data;
# 2 bad input or usage; 3 the database has no schema; 4 not found.
EXIT_CODES: list[tuple[type[ReadmitError], int]] = [
    (SchemaMissing, 3),
    (NotFound, 4),
    (InvalidInput, 2),
    (LedgerCorrupt, 1),
    (ReadmitError, 1),
]

# Piped, a console is 80 columns wide and cuts tables: give it room, so a table comes out whole.
_PIPED_WIDTH = None if sys.stdout.isatty() else 1000
err = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True, width=_PIPED_WIDTH)


def exit_code(error: ReadmitError) -> int:
    """Return the exit code for a domain error."""
    return next(code for kind, code in EXIT_CODES if isinstance(error, kind))


# Every top-level command and the module (under readmit.cli) that registers it, in the order
# `readmit --help` lists them: commands first, then groups.
COMMANDS: dict[str, str] = {
    "assess": "assess",
    "serve": "serve",
    "demo": "demo",
    "report": "report",
    "check": "screening",
    "screen": "screening",
    "cli-reference": "reference",
    "audit": "audit",
    "case": "cases",
    "claims": "claims",
    "db": "db",
    "export": "export",
    "import": "imports",
    "partner": "partner",
    "sanctions": "sanctions",
    "decisions": "screening",
    "user": "users",
    "whatif": "whatif",
}


class _LazyCommands(MutableMapping[str, Command]):
    """The root's commands by name; a command's module is imported when it is first looked up."""

    def __init__(self, loaded: MutableMapping[str, Command]) -> None:
        self._loaded = dict(loaded)

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded and name in COMMANDS:
            importlib.import_module(f"readmit.cli.{COMMANDS[name]}")
            for command in _registered():
                if command.name:
                    self._loaded.setdefault(command.name, command)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self._loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*COMMANDS, *self._loaded]))


def _registered() -> list[Command]:
    """The Click commands of everything registered on ``app`` so far."""
    short, markup = app.pretty_exceptions_short, app.rich_markup_mode
    commands: list[Command] = [
        typer.main.get_command_from_info(
            info, pretty_exceptions_short=short, rich_markup_mode=markup
        )
        for info in app.registered_commands
    ]
    commands += [
        typer.main.get_group_from_info(
            info,
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
            suggest_commands=app.suggest_commands,
        )
        for info in app.registered_groups
    ]
    return commands


class ReadmitGroup(TyperGroup):
    """Turns every readmit error into a one-line message and an exit code, never a traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except ReadmitError as error:
            _fail(error)
        except DBAPIError as error:
            _fail(store_failed(error))


def _fail(error: ReadmitError) -> NoReturn:
    err.print(f"[bold red]error[/] ({error.code}): {escape(error.message)}", highlight=False)
    raise typer.Exit(exit_code(error)) from None


def store_failed(error: DBAPIError) -> StoreFailed:
    """Say what the database refused (a full disk, a lock held too long, a server gone) and
    that nothing was half-written: every write is one transaction, rolled back on failure."""
    kind = type(error.orig).__name__
    lines = str(error.orig).strip().splitlines() or [kind]
    return StoreFailed(
        f"the database failed ({kind}): {lines[0]}; the work in progress was rolled back "
        "(nothing is half-written): fix the cause and run the command again (an import resumes "
        "after its last committed chunk)"
    )


app = typer.Typer(
    cls=ReadmitGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="readmit: an auditable ledger of removal cooperation and visa sanctions.",
)


@app.callback()
def _root() -> None:
    # Makes ``app`` a group before any command module has registered a command.
    pass


def get_app() -> App:
    """Build the application from settings (read once, here, not at import time)."""
    application = bootstrap()
    attest_commits(application)  # every write a command commits seals the tip it leaves
    return application


def cli_actor(application: App, role: str = "admin") -> Actor:
    """Return who the command line acts as: READMIT_ACTOR, or the operating-system user."""
    name = application.settings.actor or f"cli:{getpass.getuser()}"
    return Actor(name=name, role=role)


def say(text: str) -> None:
    """Print plain text (never read as Rich markup: the record's notes hold brackets like [U])."""
    out.print(text, markup=False)


def print_json(value: Any) -> None:
    """Write JSON to standard output."""
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
