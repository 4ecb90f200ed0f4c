"""Print the shape of the code: function lengths (median, longest) and module lengths.

    python scripts/code_shape.py [ROOT]      (default: src/readmit)

Migrations are left out of the function figures: each is one long list of table operations.
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path


def functions(tree: ast.AST) -> list[tuple[str, int]]:
    """Every function and method with its length in lines, decorators excluded."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            found.append((node.name, length))
    return found


def main(root: Path) -> None:
    lengths: list[tuple[int, str]] = []
    modules: list[tuple[int, str]] = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        modules.append((len(text.splitlines()), str(path)))
        if "migrations" in path.parts:
            continue
        for name, length in functions(ast.parse(text)):
            lengths.append((length, f"{path}:{name}"))
    sizes = [n for n, _ in lengths]
    print(f"functions: {len(sizes)}, median {statistics.median(sizes)} lines")
    print("over 60 lines:", [f"{w} ({n})" for n, w in sorted(lengths, reverse=True) if n > 60])
    large = [f"{w} ({n})" for n, w in sorted(modules, reverse=True) if n > 400]
    print("modules over 400 lines:", large)
    print("longest module:", max(modules))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "src/readmit"))
