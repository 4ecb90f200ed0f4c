"""CSV rows a fast reader cannot take (short or overlong, an unclosed quote), read on a slow path.

The fast readers (Arrow, Polars) read well-formed rows in bulk; only the few rows they refuse
come here, by their text. ``split_rows`` reads that text again cell by cell and says what is
wrong: a row whose cells do not match the header is named with its count; a quote that is not
closed swallows the lines after it into one cell, so that line is reported on its own and the
lines after it are read as rows again. ``LineFinder`` finds a refused row's line in the file
(Arrow's streaming reader does not number rows).
"""

from __future__ import annotations

import csv
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_COUNT_BLOCK = 64 << 20


@dataclass(frozen=True)
class RawRow:
    """A row read on the slow path: its first line, its cells, and what is wrong (None: nothing)."""

    line: int | None
    cells: list[str]
    problem: str | None


def problem_of(cells: int, width: int) -> str:
    """Say how a row's cells differ from the header's."""
    return f"row has {cells} cell{'s' if cells != 1 else ''}, the header has {width}"


def split_rows(
    text: str, line: int | None, width: int, *, short_is_padded: bool = False
) -> list[RawRow]:
    """Read ``text`` (one or more lines from line ``line``) as rows of ``width`` cells.

    ``short_is_padded``: a row of fewer cells is a good row, its missing last cells empty.
    """
    lines = text.split("\n")
    lines = [part + "\n" for part in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return list(_rows(lines, line, width, short_is_padded))


def _rows(lines: list[str], first: int | None, width: int, pad: bool) -> Iterator[RawRow]:
    position = 0
    while position < len(lines):
        reader = csv.reader(lines[i] for i in range(position, len(lines)))
        consumed, restart = 0, None
        while restart is None:
            start = position + consumed
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # a NUL byte, say: that line alone is unreadable
                yield RawRow(_at(first, start), _cells(lines[start]), f"cannot be read ({error})")
                restart = start + 1
                break
            spans, consumed = reader.line_num - consumed, reader.line_num
            if not cells:
                continue  # a blank line, as the fast readers skip it
            if len(cells) == width:
                yield RawRow(_at(first, start), cells, None)
            elif spans > 1 and lines[start].count('"') % 2 == 1:
                problem = "a quote on this line is not closed (it would run on to later lines)"
                yield RawRow(_at(first, start), _cells(lines[start]), problem)
                restart = start + 1
            elif pad and len(cells) < width:
                yield RawRow(_at(first, start), cells + [""] * (width - len(cells)), None)
            else:
                yield RawRow(_at(first, start), cells, problem_of(len(cells), width))
        position = restart if restart is not None else len(lines)


def _at(first: int | None, offset: int) -> int | None:
    return None if first is None else first + offset


def _cells(line: str) -> list[str]:
    """The cells of one line alone, a quote left open ending at the line's end."""
    try:
        return next(csv.reader([line.rstrip("\r\n")]), [])
    except csv.Error:
        return line.rstrip("\r\n").split(",")


class LineFinder:
    """Finds the line numbers of rows by their text, moving forward through the file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset, self._line = 0, 1

    def find(self, text: str) -> int | None:
        """The line where ``text`` starts, searching on from the last row found (None: none)."""
        needle = text.encode("utf-8")
        if not needle:
            return None
        with (
            self._path.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view,
        ):
            at = view.find(needle, self._offset)
            while at >= 0 and not _whole_lines(view, at, len(needle)):
                at = view.find(needle, at + 1)
            if at < 0:
                return None
            self._line += _newlines(view, self._offset, at)
            found = self._line
            self._offset = at + len(needle)
            self._line += needle.count(b"\n")
            return found


def _whole_lines(view: mmap.mmap, at: int, length: int) -> bool:
    before = at == 0 or view[at - 1 : at] == b"\n"
    end = at + length
    return before and (end >= len(view) or view[end : end + 1] in (b"\n", b"\r"))


def _newlines(view: mmap.mmap, start: int, end: int) -> int:
    return sum(
        view[i : min(i + _COUNT_BLOCK, end)].count(b"\n") for i in range(start, end, _COUNT_BLOCK)
    )
