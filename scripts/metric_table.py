"""Regenerate the metric table of docs/metrics.md from the metric catalogue.

    uv run python scripts/metric_table.py

Only the lines between the table's markers change; tests/unit/test_metric_catalogue.py fails
while the file differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from readmit.domain.metric_catalogue import with_markdown_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def main() -> None:
    """Rewrite docs/metrics.md's metric table in place."""
    DOC.write_text(with_markdown_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"metric table written to {DOC}")


if __name__ == "__main__":
    main()
