"""The core is regime-neutral: no regime's name and no regime's words in what the code says or
does outside the packs, the demo and the default-pack setting. Comments and docstrings may
give a regime as an example; a string the code uses (a message, a label, a description in the
API's schema, a page's text) may not, so a second regime is added as data only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "readmit"
ALLOWED = (SRC / "packs", SRC / "demo", SRC / "store" / "migrations")
ALLOWED_FILES = {SRC / "settings.py"}  # the default pack's name is a setting's default
REGIME_WORDS = re.compile(
    r"us_ina_243d|eu_visa_code_25a|uk_naba_2022_s72|243\(d\)|\bINA\b|8 U\.S\.C|Visa Code|"
    r"Art(icle|\.) 25a|\bNABA\b|Nationality and Borders|\bs\.\s?72\b"
)


def _core_files(suffix: str) -> list[Path]:
    return [
        path
        for path in sorted(SRC.rglob(f"*{suffix}"))
        if not any(path.is_relative_to(a) for a in ALLOWED) and path not in ALLOWED_FILES
    ]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _strings_naming_a_regime(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        f"{path.name}:{node.lineno}: {node.value[:80]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and REGIME_WORDS.search(node.value)
    ]


def test_no_string_the_core_code_uses_names_a_regime() -> None:
    found = [hit for path in _core_files(".py") for hit in _strings_naming_a_regime(path)]
    assert found == [], "regime words in the core (move them to a pack):\n" + "\n".join(found)


def test_no_page_template_names_a_regime() -> None:
    found = []
    for path in _core_files(".html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for number, line in enumerate(text.splitlines(), start=1):
            if REGIME_WORDS.search(line):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()[:80]}")
    assert found == [], "regime words in templates (read them from the pack):\n" + "\n".join(found)


def test_the_check_itself_sees_a_regime_named_in_a_message() -> None:
    sample = SRC.parent.parent / "tests" / "unit" / "test_regime_neutral_core.py"
    assert REGIME_WORDS.search("refused under INA 243(d)")
    assert _strings_naming_a_regime(sample)  # this file's own pattern strings name regimes
