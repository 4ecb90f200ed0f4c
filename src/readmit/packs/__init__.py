"""Policy packs: folders of YAML, validated on load, versioned by a hash of their files.

``load_pack(name)`` reads the files the sanctions part of readmit owns (regime, visa classes,
organisations, ranks, letters, ``sanctions/*.yaml``) and checks them against each other and
against the lifecycle rules; beside them, the related measures of ``related/*.yaml``, checked
against the policy only (``packs.related``). Other parts of readmit read their own files of
the same pack with ``load_pack_file(pack, "standard.yaml", Model)``, which reports errors the
same way. A malformed pack raises ``PackError`` naming the file, the path inside it and what is
wrong.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from readmit.domain.errors import PackError, ReadmitError
from readmit.domain.sanctions_lifecycle import Sanction, Step
from readmit.domain.sanctions_policy import Policy
from readmit.domain.sanctions_related import RelatedMeasure
from readmit.domain.sanctions_steps import register

PACKS_DIR = Path(__file__).parent
DEFAULT_PACK = "us_ina_243d"
M = TypeVar("M", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


@dataclass(frozen=True)
class SanctionHistory:
    """One sanction as the pack records it: header, checked steps, and the folded result."""

    id: str
    header: dict[str, Any]
    steps: tuple[Step, ...]
    sanction: Sanction
    file: str


@dataclass(frozen=True)
class LoadedPack:
    name: str
    path: Path
    version: str
    policy: Policy
    sanctions: tuple[SanctionHistory, ...]
    # Measures beside the regime (``related/``): never sanctions, never in the ledger.
    related: tuple[RelatedMeasure, ...] = ()
    related_by_country: Mapping[str, tuple[RelatedMeasure, ...]] = field(default_factory=dict)


def pack_path(pack: str | Path) -> Path:
    """Return the folder of a pack given its name (a shipped pack) or a path."""
    candidate = Path(pack)
    if candidate.is_dir():
        return candidate
    shipped = PACKS_DIR / str(pack)
    if shipped.is_dir():
        return shipped
    available = sorted(p.name for p in PACKS_DIR.iterdir() if (p / "regime.yaml").exists())
    raise PackError(f"no policy pack {pack!r}; shipped packs: {', '.join(available)}")


def pack_version(path: Path) -> str:
    """Hash every YAML file of the pack (names and contents): the pack's version."""
    # Re-hashing every file costs milliseconds per screening; re-hash only when a file changed.
    signature = tuple(
        (file.as_posix(), file.stat().st_mtime_ns, file.stat().st_size)
        for file in sorted(path.rglob("*.yaml"))
    )
    return _hashed_version(path, signature)


@functools.lru_cache(maxsize=32)
def _hashed_version(path: Path, _signature: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*.yaml")):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def read_yaml(path: Path, root: Path) -> Any:
    """Parse one YAML file; a syntax error names the file, line and column."""
    rel = path.relative_to(root).as_posix()
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise PackError(f"{rel}: {where}: {error.problem or error}", file=rel) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PackError(f"{rel}: cannot be read ({error})", file=rel) from None


def validate(data: Any, model: type[M], rel: str) -> M:
    """Validate parsed YAML against a model; errors name the file and the path inside it."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        lines = [f"{rel}: {_loc(e['loc']) or '(top level)'}: {e['msg']}" for e in error.errors()]
        raise PackError("; ".join(lines[:5]), file=rel, errors=lines) from None


def load_pack_file(pack: str | Path, filename: str, model: type[M]) -> M:
    """Load and validate one file of a pack (for the parts of readmit that own other files)."""
    root = pack_path(pack)
    path = root / filename
    if not path.exists():
        raise PackError(f"{filename}: missing from pack {root.name}", file=filename)
    return validate(read_yaml(path, root), model, filename)


def _loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _is_type_tag(str(part)):
            text += f".{part}" if text else str(part)
    return text


def _is_type_tag(part: str) -> bool:
    return part[:1].isupper() or "[" in part or part in {"list", "str", "int", "date"}


def load_pack(pack: str | Path = DEFAULT_PACK) -> LoadedPack:
    """Load, validate and cross-check the sanctions part of a pack (cached by its version)."""
    root = pack_path(pack).resolve()
    loaded = _load(root, pack_version(root))
    # Folding the ledger's events of this regime reads its lifecycle (the last one loaded).
    register(loaded.name, loaded.policy.regime.lifecycle)
    return loaded


@functools.lru_cache(maxsize=8)
def _load(root: Path, version: str) -> LoadedPack:
    from readmit.packs.checks import build_policy, build_sanctions
    from readmit.packs.related import build_related, by_country

    policy = build_policy(root, version)
    try:
        sanctions = build_sanctions(root, policy)
    except PackError:
        raise
    except ReadmitError as error:
        raise PackError(error.message, **error.details) from None
    related = build_related(root, policy)
    return LoadedPack(policy.pack, root, version, policy, sanctions, related, by_country(related))
