"""``readmit user``: add users (printing their first API token), change roles, revoke, reset
passwords. The operator's bootstrap: it acts alone (docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from readmit.cli.base import app, cli_actor, err, get_app, out, print_json
from readmit.domain.errors import InvalidInput
from readmit.services.access import users as user_service

user_app = typer.Typer(
    help="Manage users, their roles, API tokens and passwords (never prompts). The operator's "
    "bootstrap on the server: these commands act alone, unlike an administrator over the API "
    "(see docs/security.md)."
)
app.add_typer(user_app, name="user")


def _password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the password file {path}: {error}") from error


def _print_token(issued: user_service.IssuedToken) -> None:
    # The token is the last word of the last line, so scripts can take it with `awk`.
    expires = issued.info.expires_at[:10]
    out.print(f"API token {issued.info.token_id} (shown once, expires {expires}): {issued.secret}")


@user_app.command("add")
def add(
    name: str,
    role: str = typer.Option(..., "--role", help="admin, case_officer, analyst, …"),
    country: str | None = typer.Option(
        None, "--country", help="The one country of a partner_liaison or reintegration_caseworker."
    ),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="File holding the web password (first line)."
    ),
    token_days: int = typer.Option(90, "--token-days", help="Days until the token expires."),
) -> None:
    """Add a user and print their first API token (the last word of the last line)."""
    application = get_app()
    issued = user_service.add_user(
        application,
        cli_actor(application),
        name=name,
        role=role,
        country=country,
        password=_password(password_file),
        token_days=token_days,
    )
    bound = f", country {country.upper()}" if country else ""
    out.print(f"user {name} added: role {role}{bound}")
    _print_token(issued)


@user_app.command("token")
def token(
    name: str,
    days: int = typer.Option(90, "--days", help="Days until the token expires."),
    label: str = typer.Option("", "--label", help="What the token is for."),
) -> None:
    """Issue a new API token for a user (the last word of the output)."""
    application = get_app()
    _print_token(
        user_service.issue_token(
            application, cli_actor(application), name=name, days=days, label=label
        )
    )


@user_app.command("revoke")
def revoke(name: str) -> None:
    """Deactivate a user: every token and session of theirs stops working at once."""
    application = get_app()
    user_service.revoke_user(application, name, cli_actor(application))
    err.print(f"user {name} revoked: tokens and sessions no longer work")


@user_app.command("revoke-token")
def revoke_token(token_id: str) -> None:
    """Revoke one API token by its id (tok_…)."""
    application = get_app()
    user_service.revoke_token(application, token_id, cli_actor(application))
    err.print(f"token {token_id} revoked")


@user_app.command("reset-password")
def reset_password(
    name: str,
    password_file: Path = typer.Option(
        ..., "--password-file", help="File holding the new password (first line)."
    ),
) -> None:
    """Set a user's web password (an administrator's reset); their sessions end."""
    application = get_app()
    password = _password(password_file) or ""
    user_service.reset_password(application, cli_actor(application), name=name, password=password)
    err.print(f"password of {name} reset; their web sessions have ended")


@user_app.command("role")
def role(
    name: str,
    new_role: str = typer.Option(..., "--role", help="The role the user holds from now on."),
    country: str | None = typer.Option(
        None, "--country", help="The one country of a partner_liaison or reintegration_caseworker."
    ),
) -> None:
    """Give a user another role (recorded in the ledger); their web sessions end."""
    application = get_app()
    user_service.change_role(
        application, cli_actor(application), name=name, role=new_role, country=country
    )
    bound = f", country {country.upper()}" if country else ""
    err.print(f"user {name} now holds role {new_role}{bound}")


@user_app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List users with their role, country and status."""
    found = user_service.list_users(get_app())
    if as_json:
        print_json([u.__dict__ for u in found])
        return
    for user in found:
        status = "active" if user.active else "revoked"
        typer.echo(f"{user.name}\t{user.role}\t{user.country or '-'}\t{status}")
