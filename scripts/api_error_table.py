"""Regenerate the error table of docs/api.md from the API's status mapping (api/errors.py).

    uv run python scripts/api_error_table.py

Only the lines between the table's markers change; tests/unit/test_api_reference.py fails
while the file differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from readmit.api.docs import with_error_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def main() -> None:
    """Rewrite docs/api.md's error table in place."""
    DOC.write_text(with_error_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"error table written to {DOC}")


if __name__ == "__main__":
    main()
