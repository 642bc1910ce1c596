"""Encryption at rest for personal numbers: AES-256-GCM plus a keyed blind index (HMAC-SHA256)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_key() -> str:
    """Return a new random 256-bit key as base64url text."""
    return _b64(secrets.token_bytes(32))


@dataclass(frozen=True)
class KeyRing:
    """The data key (AES-GCM) and the index key (HMAC) used for personal numbers."""

    data_key: bytes
    index_key: bytes

    @classmethod
    def from_text(cls, data_key: str, index_key: str) -> KeyRing:
        """Build a key ring from two base64url keys of 32 bytes each."""
        dk, ik = _unb64(data_key), _unb64(index_key)
        if len(dk) != 32 or len(ik) != 32:
            raise ValueError("加密密钥和索引密钥都必须是 32 字节（base64url 编码）")
        if hmac.compare_digest(dk, ik):
            raise ValueError("加密密钥和索引密钥不能相同")
        return cls(dk, ik)

    @classmethod
    def load_or_create(cls, path: Path) -> KeyRing:
        """Load development keys from ``path``, creating them on first use (never in production)."""
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"data_key": generate_key(), "index_key": generate_key()}
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
        return cls.from_text(data["data_key"], data["index_key"])

    def encrypt(self, plaintext: str) -> bytes:
        """Encrypt ``plaintext`` with a fresh nonce; the result carries a version byte and the nonce."""
        nonce = secrets.token_bytes(12)
        return _VERSION + nonce + AESGCM(self.data_key).encrypt(nonce, plaintext.encode("utf-8"), None)

    def decrypt(self, blob: bytes) -> str:
        """Decrypt a value produced by ``encrypt``."""
        if blob[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        return AESGCM(self.data_key).decrypt(blob[1:13], blob[13:], None).decode("utf-8")

    def blind_index(self, value: str, *, scheme: str = "") -> str:
        """Return the keyed blind index of a normalised value (hex HMAC-SHA256, 64 chars)."""
        msg = f"{scheme}:{value}".encode()
        return hmac.new(self.index_key, msg, hashlib.sha256).hexdigest()
