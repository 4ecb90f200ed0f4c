"""Typed settings, read once by ``bootstrap`` (never at import time): from READMIT_ environment
variables, else from ``readmit.toml`` in the working folder, else the defaults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from readmit.domain.errors import InvalidSetting

# A folder's own settings: written by ``readmit demo``, read by every command run there.
SETTINGS_FILE = "readmit.toml"


def _items(value: Any) -> Any:
    """A list setting from the environment: a JSON list, or items separated by commas."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        return json.loads(text)
    return [item.strip() for item in text.split(",") if item.strip()]


# A list of texts: READMIT_REGISTRY_PACKS=eu_visa_code_25a,uk_naba_2022_s72 or a JSON list.
Items = Annotated[list[str], NoDecode, BeforeValidator(_items)]


def read_settings() -> Settings:
    """Read the settings, or raise InvalidSetting naming the variable and what it expects."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "READMIT_" + "_".join(str(p) for p in first["loc"][:1]).upper()
        raise InvalidSetting(
            f"the setting {name} (from the environment or {SETTINGS_FILE}) cannot be read: "
            f"{first['msg']} (got {first.get('input')!r}); fix or unset it (docs/settings.md)"
        ) from None
    except (SettingsError, ValueError) as error:
        raise InvalidSetting(
            f"a setting cannot be read: {error}; a list is given as items separated by commas "
            "or as a JSON list (docs/settings.md)"
        ) from None


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
    decision_log_wait_for_disk: bool = Field(
        default=True,
        description="PostgreSQL: answer a screening only once its decision log line is on the "
        "database server's disk (false: once it is committed, written within 0.6 s; see "
        "docs/settings.md, how durable a logged decision is)",
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
    cors_origins: Items = Field(
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
    trusted_proxies: Items = Field(
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
    registry_packs: Items = Field(
        default_factory=list,
        description="More policy packs whose sanctions the registry holds beside READMIT_PACK's",
    )
