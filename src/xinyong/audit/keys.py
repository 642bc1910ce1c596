"""The audit chain's keys: an HMAC key for the entries and an Ed25519 key that signs the checkpoints.

Configured keys come from settings (``XINYONG_AUDIT_KEY``, ``XINYONG_AUDIT_SIGNING_KEY``; production
refuses the placeholders); elsewhere development keys are generated once under ``var/`` like the
personal-data keys. Every engine built by ``db.make_engine`` is registered with its settings, so an
append finds the key from the session or connection it writes on, whoever the caller is; any other
engine uses the settings of the environment, as the command line does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from xinyong.settings import PLACEHOLDER, Settings


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class AuditKeys:
    """The HMAC key of the chain (with its public id) and the checkpoint signing key."""

    mac_key: bytes
    signer: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        """Return the key's id stored on each entry (16 hex of SHA-256 of a derivation; not the key)."""
        return hashlib.sha256(b"xinyong-audit-key-id:" + self.mac_key).hexdigest()[:16]

    @property
    def public_key(self) -> Ed25519PublicKey:
        """Return the public half of the signing key."""
        return self.signer.public_key()

    @classmethod
    def from_text(cls, mac_key: str, signing_key: str) -> AuditKeys:
        """Build from base64url texts (32 bytes each)."""
        mac, seed = _unb64(mac_key), _unb64(signing_key)
        if len(mac) < 32 or len(seed) != 32:
            raise ValueError("审计密钥须为 32 字节的 base64url（签名密钥为 Ed25519 的 32 字节种子）")
        return cls(mac, Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def load_or_create(cls, path: Path) -> AuditKeys:
        """Load development keys from ``path``, creating them on first use (never in production)."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {
                "audit_key": _b64(secrets.token_bytes(32)),
                "audit_signing_key": _b64(secrets.token_bytes(32)),
            }
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created them first
                pass
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh)
        data = json.loads(path.read_text("utf-8"))
        return cls.from_text(data["audit_key"], data["audit_signing_key"])


def audit_keys(settings: Settings) -> AuditKeys:
    """Return the configured audit keys, or generated development keys outside production."""
    if settings.audit_key != PLACEHOLDER and settings.audit_signing_key != PLACEHOLDER:
        return AuditKeys.from_text(settings.audit_key, settings.audit_signing_key)
    if settings.env == "production":  # pragma: no cover - Settings refuses this already
        raise ValueError("生产环境必须设置审计密钥")
    return AuditKeys.load_or_create(settings.var_dir / "dev-audit-keys.json")


_settings_of: weakref.WeakKeyDictionary[Engine, Settings] = weakref.WeakKeyDictionary()
_keys_of: weakref.WeakKeyDictionary[Engine, AuditKeys] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def register(engine: Engine, settings: Settings) -> None:
    """Remember the settings an engine was built with; its audit keys are loaded on first use."""
    _settings_of[engine] = settings


def same_keys(derived: Engine, engine: Engine) -> None:
    """Give an engine derived from ``engine`` (other execution options, same database) its keys."""
    if engine in _settings_of:
        _settings_of[derived] = _settings_of[engine]


def keys_for(db: Session | Connection | Engine) -> AuditKeys:
    """Return the audit keys of the database ``db`` writes to."""
    if isinstance(db, Session):
        bind = db.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
    elif isinstance(db, Connection):
        engine = db.engine
    else:
        engine = db
    found = _keys_of.get(engine)
    if found is not None:
        return found
    with _lock:
        # An engine not built by ``make_engine`` (a script's own) uses the keys of the environment's settings.
        settings = _settings_of.get(engine) or Settings()
        found = _keys_of[engine] = audit_keys(settings)
        return found
