"""The installation's Ed25519 signing key, and public keys as a verifier pins them."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from readmit.domain.errors import InvalidInput
from readmit.services.context import App
from readmit.settings import Settings

KEY_FILE = "ledger-signing-key.pem"
_MEMO = "transparency.key"


def key_path(settings: Settings) -> Path:
    """Where the private key is: the ``signing_key`` setting, else ``key_dir``'s key file."""
    return settings.signing_key or settings.key_dir / KEY_FILE


def has_key(app: App) -> bool:
    """Tell whether this installation has a signing key yet."""
    return key_path(app.settings).exists()


def signing_key(app: App) -> Ed25519PrivateKey:
    """Load the private key, creating it (readable by this user only) on first use."""
    cached = app.memo.get(_MEMO)
    path = key_path(app.settings)
    if isinstance(cached, tuple) and cached[0] == path:
        key: Ed25519PrivateKey = cached[1]
        return key
    key = _load(path) if path.exists() else _create(path)
    app.memo[_MEMO] = (path, key)
    return key


def _load(path: Path) -> Ed25519PrivateKey:
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise InvalidInput(f"the signing key {path} cannot be read: {error}") from error
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 private key")
    return loaded


def _create(path: Path) -> Ed25519PrivateKey:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:  # two processes starting at once: the first to create the file wins, the other reads it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        time.sleep(0.1)
        return _load(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def public_b64(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in base64: the form published and embedded in heads."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(public: str) -> str:
    """SHA-256 of the raw public key, in hex: names the key a head was signed with."""
    return hashlib.sha256(base64.b64decode(public)).hexdigest()


def own_public(app: App) -> str:
    """This installation's public key (base64), creating the key pair if there is none."""
    return public_b64(signing_key(app).public_key())


def public_pem(app: App) -> str:
    """This installation's public key as PEM, the file ``audit verify --key`` pins."""
    pem = (
        signing_key(app)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return pem.decode()


def read_public_key(path: Path) -> str:
    """Read a pinned public key: PEM, the base64 of the raw key, or a JSON with ``public_key``."""
    try:
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the public key {path}: {error}") from error
    try:
        if text.startswith("-----BEGIN"):
            loaded = serialization.load_pem_public_key(text.encode())
            if not isinstance(loaded, Ed25519PublicKey):
                raise ValueError("not an Ed25519 public key")
            return public_b64(loaded)
        if text.startswith("{"):
            text = str(json.loads(text)["public_key"])
        return public_b64(Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True)))
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput(f"{path} holds no Ed25519 public key: {error}") from error
