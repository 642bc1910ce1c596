"""Encryption at rest for personal numbers (AES-256-GCM, or 国密 SM4-GCM) plus a keyed blind index (HMAC-SHA256).

A ciphertext says how it was made: ``0x02``, the algorithm (``0x01`` AES-256-GCM, ``0x02`` SM4-GCM), the
8-byte id of the key (derived from the key, not the key), the 12-byte nonce, then the sealed text; the
10-byte header is authenticated with it (GCM associated data), so an algorithm or key id cannot be swapped.
Values written before the header existed (``0x01`` + nonce + AES-256-GCM) still decrypt, with whichever
32-byte key of the ring opens them. The ring holds the current key (the algorithm the settings select) and
the previous keys, so old and new ciphertexts decrypt side by side while ``xinyong keys rotate``
re-encrypts; the blind index has its own key and never changes with the data key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

Algorithm = Literal["AES-256-GCM", "SM4-GCM"]
_LEGACY = b"\x01"
_VERSION = b"\x02"
ALGORITHM_CODES: dict[str, bytes] = {"AES-256-GCM": b"\x01", "SM4-GCM": b"\x02"}
KEY_BYTES: dict[str, int] = {"AES-256-GCM": 32, "SM4-GCM": 16}
_NAMES = {v: k for k, v in ALGORITHM_CODES.items()}
HEADER = 10  # version, algorithm, key id (8)
_TAG = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_key(size: int = 32) -> str:
    """Return a new random key (256-bit by default; 128-bit for SM4) as base64url text."""
    return _b64(secrets.token_bytes(size))


def key_id(key: bytes) -> bytes:
    """Return the 8-byte id of a data key (a hash of it under a label; it reveals nothing of the key)."""
    return hashlib.sha256(b"xinyong-data-key-id:" + key).digest()[:8]


def _seal(algorithm: str, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if algorithm == "AES-256-GCM":
        return AESGCM(key).encrypt(nonce, plaintext, aad)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return enc.update(plaintext) + enc.finalize() + enc.tag


def _open(algorithm: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if algorithm == "AES-256-GCM":
        return AESGCM(key).decrypt(nonce, sealed, aad or None)
    if len(sealed) < _TAG:
        raise InvalidTag
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-_TAG:])).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(sealed[:-_TAG]) + dec.finalize()


@dataclass(frozen=True)
class KeyRing:
    """The data key (current algorithm), previous data keys (decryption only) and the index key (HMAC)."""

    data_key: bytes
    index_key: bytes
    algorithm: Algorithm = "AES-256-GCM"
    previous: tuple[bytes, ...] = ()
    _by_id: dict[bytes, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        size = KEY_BYTES[self.algorithm]
        if len(self.data_key) != size:
            raise ValueError(f"{self.algorithm} 的加密密钥必须是 {size} 字节（base64url 编码）")
        if len(self.index_key) != 32:
            raise ValueError("索引密钥必须是 32 字节（base64url 编码）")
        for key in (self.data_key, *self.previous):
            if hmac.compare_digest(key, self.index_key):
                raise ValueError("加密密钥和索引密钥不能相同")
        object.__setattr__(self, "_by_id", {key_id(k): k for k in (*self.previous, self.data_key)})

    @classmethod
    def from_text(
        cls, data_key: str, index_key: str, *, algorithm: Algorithm = "AES-256-GCM", previous: str = ""
    ) -> KeyRing:
        """Build a key ring from base64url keys (``previous``: comma-separated keys still to decrypt with)."""
        old = tuple(_unb64(k.strip()) for k in previous.split(",") if k.strip())
        if any(len(k) not in (16, 32) for k in old):
            raise ValueError("旧加密密钥必须是 16 或 32 字节（base64url 编码）")
        return cls(_unb64(data_key), _unb64(index_key), algorithm, old)

    @classmethod
    def load_or_create(cls, path: Path, algorithm: Algorithm = "AES-256-GCM") -> KeyRing:
        """Load development keys from ``path``, creating them on first use (never in production)."""
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"data_key": generate_key(), "index_key": generate_key()}
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
        if algorithm == "SM4-GCM":  # a 128-bit key of its own; the AES key stays to read older values
            if "sm4_data_key" not in data:
                data["sm4_data_key"] = generate_key(16)
                path.write_text(json.dumps(data), "utf-8")
            return cls.from_text(data["sm4_data_key"], data["index_key"], algorithm=algorithm,
                                 previous=data["data_key"])  # fmt: skip
        return cls.from_text(data["data_key"], data["index_key"])

    @property
    def key_id(self) -> bytes:
        """Return the id of the current data key."""
        return key_id(self.data_key)

    def encrypt(self, plaintext: str) -> bytes:
        """Encrypt ``plaintext`` with the current key and algorithm and a fresh nonce (self-describing)."""
        header = _VERSION + ALGORITHM_CODES[self.algorithm] + self.key_id
        nonce = secrets.token_bytes(12)
        return header + nonce + _seal(self.algorithm, self.data_key, nonce, plaintext.encode("utf-8"), header)

    def describe(self, blob: bytes) -> tuple[str, bytes | None]:
        """Return the algorithm and key id a ciphertext was made with (key id None: the first format)."""
        if blob[:1] == _LEGACY:
            return "AES-256-GCM", None
        if blob[:1] != _VERSION or blob[1:2] not in _NAMES or len(blob) < HEADER + 12:
            raise ValueError("unknown ciphertext version")
        return _NAMES[blob[1:2]], blob[2:HEADER]

    def is_current(self, blob: bytes) -> bool:
        """Tell whether ``blob`` is already under the current key and algorithm (rotation skips it)."""
        return self.describe(blob) == (self.algorithm, self.key_id)

    def decrypt(self, blob: bytes) -> str:
        """Decrypt a value produced by ``encrypt`` with any key of the ring (or a first-format value)."""
        algorithm, kid = self.describe(blob)
        if kid is None:
            return self._decrypt_legacy(blob)
        key = self._by_id.get(kid)
        if key is None:
            raise ValueError(f"密文所用的加密密钥（标识 {kid.hex()}）不在密钥环中")
        if len(key) != KEY_BYTES[algorithm]:
            raise ValueError(f"密文标明的算法 {algorithm} 与密钥 {kid.hex()} 不符")
        header, nonce = blob[:HEADER], blob[HEADER : HEADER + 12]
        return _open(algorithm, key, nonce, blob[HEADER + 12 :], header).decode("utf-8")

    def _decrypt_legacy(self, blob: bytes) -> str:
        failure: Exception = ValueError("没有可解密该旧格式密文的 32 字节密钥")
        for key in (self.data_key, *reversed(self.previous)):
            if len(key) != 32:
                continue
            try:
                return _open("AES-256-GCM", key, blob[1:13], blob[13:], b"").decode("utf-8")
            except InvalidTag as exc:
                failure = exc
        raise failure

    def blind_index(self, value: str, *, scheme: str = "") -> str:
        """Return the keyed blind index of a normalised value (hex HMAC-SHA256, 64 chars)."""
        msg = f"{scheme}:{value}".encode()
        return hmac.new(self.index_key, msg, hashlib.sha256).hexdigest()
