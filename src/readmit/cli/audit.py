"""``readmit audit``: verify the hash chain; sign a checkpoint of its head."""

from __future__ import annotations

from pathlib import Path

import typer

from readmit.cli.base import app, err, get_app, out, print_json
from readmit.services.ops import audit as audit_service

audit_app = typer.Typer(help="Verify the ledger's hash chain and sign checkpoints of its head.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="Also prove the log still extends this signed checkpoint."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Recompute the hash chain; exit 1 naming the first bad sequence number."""
    result = audit_service.verify_ledger(get_app(), checkpoint)
    if as_json:
        print_json(result.to_dict())
    elif result.ok:
        out.print(f"ok: {result.events} events, head {result.head_seq} {result.head_hash}")
        if result.checkpoint_seq is not None:
            out.print(f"ok: the log extends the signed checkpoint at event {result.checkpoint_seq}")
    else:
        err.print(f"[bold red]FAILED[/] at event {result.first_bad_seq}: {result.reason}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(
    output: Path = typer.Option(Path("checkpoint.json"), "--output", "-o", help="File to write."),
) -> None:
    """Sign the current head (sequence number and hash) with the installation's key."""
    document = audit_service.write_checkpoint(get_app(), output)
    out.print(f"checkpoint at event {document['seq']} written to {output}")
