"""Typed settings, read once by ``bootstrap`` (never at import time): from READMIT_ environment
variables, else from ``readmit.toml`` in the working folder, else the defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# A folder's own settings: written by ``readmit demo``, read by every command run there.
SETTINGS_FILE = "readmit.toml"


def _default_key_dir() -> Path:
    return Path.home() / ".config" / "readmit"


class Settings(BaseSettings):
    """Every setting readmit reads; each is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="READMIT_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then READMIT_ variables, then readmit.toml in the working folder."""
        toml = TomlConfigSettingsSource(settings_cls, toml_file=Path(SETTINGS_FILE))
        return init_settings, env_settings, toml

    database_url: str = Field(
        default="sqlite:///readmit.db",
        description="SQLAlchemy URL of the store; SQLite file in the working directory by default",
    )
    key_dir: Path = Field(
        default_factory=_default_key_dir,
        description="Folder holding the installation's Ed25519 signing key (outside the database)",
    )
    signing_key: Path | None = Field(
        default=None,
        description="Path of the Ed25519 private key that signs tree heads (keep it outside "
        "the database folder); empty: ledger-signing-key.pem in key_dir",
    )
    tree_heads_file: Path | None = Field(
        default=None,
        description="Append-only file of signed tree heads outside the store; empty: "
        "tree-heads/<a name for the database>.jsonl in data_dir",
    )
    tree_head_interval_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How often a running server signs a tree head while the log grows "
        "(0: only after imports, sanction steps and the like, and when it stops)",
    )
    audit_verify_interval_seconds: float = Field(
        default=10.0,
        ge=0,
        description="GET /audit/verify runs at most once in this many seconds per server; "
        "calls in between get the last result",
    )
    actor: str = Field(default="", description="Who the CLI records as the actor of its events")
    data_dir: Path = Field(
        default_factory=lambda: Path.home() / ".local" / "share" / "readmit",
        description="Folder for files the server keeps: batch-screening uploads and results",
    )
    api_max_body_bytes: int = Field(
        default=1_048_576,
        description="Largest HTTP request body the API accepts (bytes); larger is a 413",
    )
    api_max_upload_bytes: int = Field(
        default=268_435_456,
        description="Largest batch-screening upload the API accepts (bytes)",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser; empty (the default) = none",
    )
    access_log: bool = Field(
        default=True, description="Write a structured access log (no personal data) to stderr"
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookie Secure (set it when serving behind HTTPS)",
    )
    token_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Seconds a server trusts a token it has just checked (0: check on every call)",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (for the login throttle and the access log); empty (the "
        "default) = none: the client is the address that connected",
    )
    enrolment_hours: int = Field(
        default=72,
        ge=1,
        le=720,
        description="Hours a one-time enrolment code stays redeemable",
    )
    pack: str = Field(
        default="us_ina_243d",
        description="Policy pack to load: the name of a shipped pack or the path of a pack folder",
    )
    registry_packs: list[str] = Field(
        default_factory=list,
        description="More policy packs whose sanctions the registry holds beside READMIT_PACK's",
    )
