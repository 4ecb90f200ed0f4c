"""``readmit screen`` of a file does not load the PDF library, which only a PDF letter needs
(half a second of every run's start-up)."""

from __future__ import annotations

import subprocess
import sys


def test_the_screening_commands_load_no_pdf_library_until_a_pdf_is_asked_for() -> None:
    code = (
        "import sys; import readmit.cli.screening; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'fpdf'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
