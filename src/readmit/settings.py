"""Typed settings, read once from the environment by ``bootstrap`` (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_key_dir() -> Path:
    return Path.home() / ".config" / "readmit"


class Settings(BaseSettings):
    """Every setting readmit reads; each is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="READMIT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///readmit.db",
        description="SQLAlchemy URL of the store; SQLite file in the working directory by default",
    )
    key_dir: Path = Field(
        default_factory=_default_key_dir,
        description="Folder holding the installation's Ed25519 signing key (outside the database)",
    )
    actor: str = Field(default="", description="Who the CLI records as the actor of its events")
