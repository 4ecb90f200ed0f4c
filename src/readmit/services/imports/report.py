"""What an import did: rows read, applied, already imported and rejected, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Rejection:
    """A row left out, with why and what the case allowed instead."""

    position: int
    line: int
    code: str
    reason: str
    allowed: list[str]


@dataclass
class ImportReport:
    """What an import did: rows read, applied, already imported, rejected."""

    kind: str
    path: Path
    read: int = 0
    applied: int = 0
    already: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_file: Path | None = None
    resumed_at: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "file": str(self.path),
            "read": self.read,
            "applied": self.applied,
            "already_imported": self.already,
            "rejected": len(self.rejected),
            "rejected_file": str(self.rejected_file) if self.rejected_file else None,
            "resumed_at_row": self.resumed_at,
        }


def rejected_path(path: Path) -> Path:
    """Return where the rejected rows of ``path`` are written: ``FILE.rejected.csv``."""
    return path.with_name(path.name + ".rejected.csv")
