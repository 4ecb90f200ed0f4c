"""``readmit audit``: verify the ledger against its signed heads; sign heads; prove events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from readmit.cli.base import app, err, get_app, out, print_json
from readmit.domain.errors import InvalidInput
from readmit.services.ops import audit as audit_service
from readmit.services.ops import audit_export
from readmit.services.transparency import heads, keys, proofs

audit_app = typer.Typer(
    help="Verify the ledger against its signed tree heads, sign heads, and prove events."
)
app.add_typer(audit_app, name="audit")

KEY_HELP = "Refuse every head not signed by this public key (PEM, or base64 of the raw key)."


@audit_app.command("verify")
def verify(
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="Also prove the log still extends this signed checkpoint."
    ),
    key: Path | None = typer.Option(None, "--key", help=KEY_HELP),
    heads_file: Path | None = typer.Option(
        None, "--heads", help="The heads file to hold the store against (default: the server's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Recompute the chain and the Merkle tree, hold them against every signed tree head (in
    the file outside the store and in it); exit 1 naming the first bad sequence number."""
    result = audit_service.verify_ledger(get_app(), checkpoint, key=key, heads=heads_file)
    if as_json:
        print_json(result.to_dict())
    elif result.ok:
        out.print(f"ok: {result.events} events, head {result.head_seq} {result.head_hash}")
        if result.signed_size is not None:
            pinned = "the pinned key" if result.key_pinned else "this installation's key"
            out.print(
                f"ok: {result.heads_checked} signed tree heads (the latest of "
                f"{result.signed_size} events) match the log, signed by {pinned}"
            )
        if result.checkpoint_seq is not None:
            out.print(f"ok: the log extends the signed checkpoint at event {result.checkpoint_seq}")
    else:
        where = f" at event {result.first_bad_seq}" if result.first_bad_seq is not None else ""
        err.print(f"[bold red]FAILED[/]{where}: {result.reason}")
        for problem in result.record_problems:
            err.print(f"  {problem['check']}: {problem['subject']}: {problem['message']}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("sign")
def sign(as_json: bool = typer.Option(False, "--json", help="Print the head as JSON.")) -> None:
    """Sign a tree head over the log as it stands (the server also does so by itself)."""
    application = get_app()
    head = heads.sign_tree_head(application, reason="command line")
    if head is None:
        why = application.memo.get(heads.REFUSAL, "")
        err.print(f"not signed: {why}; run readmit audit verify", markup=False)
        raise typer.Exit(1)
    _show_head(head, as_json)


@audit_app.command("head")
def head(as_json: bool = typer.Option(False, "--json", help="Print the head as JSON.")) -> None:
    """Show the latest signed tree head (size, root hash, time, signature, public key)."""
    latest = heads.latest(get_app())
    if latest is None:
        err.print("no tree head has been signed yet: run readmit audit sign")
        raise typer.Exit(1)
    _show_head(latest, as_json)


@audit_app.command("public-key")
def public_key(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write it to this file."),
) -> None:
    """Print the public key that signs tree heads (PEM), the one verifiers pin with --key."""
    pem = keys.public_pem(get_app())
    if output is None:
        out.print(pem, end="", markup=False)
    else:
        output.write_text(pem)
        out.print(f"public key written to {output}")


@audit_app.command("prove")
def prove(
    event: str = typer.Argument(..., help="The event's id, or its sequence number."),
    size: int | None = typer.Option(None, "--size", help="Tree size (default: the latest head)."),
) -> None:
    """Print the inclusion proof of one event in the signed tree (JSON)."""
    target: dict[str, Any] = {"seq": int(event)} if event.isdigit() else {"event_id": event}
    print_json(proofs.inclusion(get_app(), size=size, **target))


@audit_app.command("consistency")
def consistency(
    old: int = typer.Argument(..., help="The size of the older tree."),
    new: int | None = typer.Option(None, "--new", help="The newer size (default: latest head)."),
) -> None:
    """Print the proof that the tree of OLD events is a prefix of the newer one (JSON)."""
    print_json(proofs.consistency(get_app(), old=old, new=new))


@audit_app.command("check-head")
def check_head(
    kept: Path = typer.Argument(..., help="A head kept earlier (JSON, as the API gave it)."),
) -> None:
    """Tell whether today's log extends a head kept earlier; exit 1 if it does not."""
    try:
        document = json.loads(kept.read_text())
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot read the kept head {kept}: {error}") from error
    if not isinstance(document, dict):
        raise InvalidInput(f"{kept} holds no tree head")
    verdict = proofs.check_kept_head(get_app(), document)
    print_json(verdict)
    if not verdict["extends"]:
        raise typer.Exit(1)


@audit_app.command("events")
def export_events(
    output: Path = typer.Option(..., "--output", "-o", help="File to write (JSON lines)."),
) -> None:
    """Export every event with the fields its hash covers, for scripts/verify_log.py."""
    count = audit_export.export_events(get_app(), output)
    out.print(f"{count} events written to {output}")


@audit_app.command("checkpoint")
def checkpoint(
    output: Path = typer.Option(Path("checkpoint.json"), "--output", "-o", help="File to write."),
) -> None:
    """Sign the current head (sequence number and hash) with the installation's key."""
    document = audit_service.write_checkpoint(get_app(), output)
    out.print(f"checkpoint at event {document['seq']} written to {output}")


def _show_head(head: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(head)
        return
    out.print(f"tree head: {head['size']} events, root {head['root_hash']}")
    out.print(f"signed at {head['signed_at']} by key {head['key_id'][:16]}…")
