"""What is wrong with a CSV file before it is parsed: empty, UTF-16, not UTF-8, or ';'-separated.

A parser would answer these with a list of missing columns, or a decoding error at some byte;
a person saving from a spreadsheet needs to hear what to change.
"""

from __future__ import annotations

from pathlib import Path

_SAMPLE = 64 * 1024
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def csv_problem(path: Path) -> str | None:
    """Say what keeps ``path`` from being read as a comma-separated UTF-8 file (None: nothing)."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    if not sample.strip():
        return "is empty: a CSV file starts with a header row of column names"
    if sample.startswith(_UTF16_MARKS) or sample[:200].count(b"\x00") > 20:
        return "is UTF-16 text: save it as UTF-8 CSV (a spreadsheet's 'CSV UTF-8' format)"
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        cut = len(sample) == _SAMPLE and error.start >= len(sample) - 4  # the sample's own end
        if not cut:
            return "is not UTF-8 text: save it as UTF-8 CSV (a spreadsheet's 'CSV UTF-8' format)"
        text = sample[: error.start].decode("utf-8-sig")
    header = text.splitlines()[0] if text.splitlines() else ""
    if ";" in header and "," not in header:
        return "separates its columns with ';': save it comma-separated (readmit reads ',' CSV)"
    return None
