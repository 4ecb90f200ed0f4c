"""``readmit cli-reference``: write the CLI reference (docs/cli.md) from the commands' own help.

Hidden: it is for maintainers. A test checks that docs/cli.md is what this command writes.
"""

from __future__ import annotations

from pathlib import Path

import typer
from typer._click.core import Command, Context, Parameter
from typer.core import TyperGroup, TyperOption

from readmit.cli.base import app, err

HEADER = """# Command-line reference

Generated from `readmit --help` by `readmit cli-reference --output docs/cli.md`; a test checks
that this file is current. Results go to standard output, messages and progress to standard
error. Exit codes: 0 ok; 1 refused or wrong data; 2 bad input or usage; 3 no schema (run
`readmit db upgrade`); 4 not found.
"""


def render_reference() -> str:
    """Return the Markdown reference of every visible command, in tree order."""
    root = typer.main.get_command(app)
    context = Context(root, info_name="readmit")
    parts = [HEADER, _section(root, context, "readmit", 2)]
    return "\n".join(part.rstrip() + "\n" for part in parts if part)


def _section(command: Command, context: Context, path: str, level: int) -> str:
    lines = [f"{'#' * level} `{path}`", "", _first_paragraph(command), ""]
    usage = command.collect_usage_pieces(context)
    lines += ["```", f"{path} {' '.join(usage)}".rstrip(), "```", ""]
    rows = [row for param in command.get_params(context) if (row := _row(param, context))]
    if rows:
        lines += ["| argument or option | meaning |", "|---|---|"]
        lines += [f"| `{name}` | {meaning} |" for name, meaning in rows]
        lines.append("")
    text = "\n".join(lines)
    if isinstance(command, TyperGroup):
        for name in sorted(command.list_commands(context)):
            child = command.get_command(context, name)
            if child is None or child.hidden:
                continue
            sub = Context(child, info_name=name, parent=context)
            text += "\n" + _section(child, sub, f"{path} {name}", min(level + 1, 4))
    return text


def _first_paragraph(command: Command) -> str:
    return (command.help or command.short_help or "").strip().split("\n\n")[0].replace("\n", " ")


def _row(param: Parameter, context: Context) -> tuple[str, str] | None:
    if param.hidden if isinstance(param, TyperOption) else False:
        return None
    record = param.get_help_record(context)
    if record is None:
        meaning = getattr(param, "help", None) or ""
        return (param.name, _escape(meaning)) if param.name else None
    return (record[0], _escape(record[1]))


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


@app.command("cli-reference", hidden=True)
def cli_reference(
    output: Path = typer.Option(Path("docs/cli.md"), "--output", help="File to write."),
) -> None:
    """Write the CLI reference generated from every command's help."""
    output.write_text(render_reference(), encoding="utf-8")
    err.print(f"CLI reference written to {output}")
