"""国密 SM2 (with the SM3 digest) signatures for the report JSON twin — the platform's 国密 option.

The PDF keeps its PAdES signature (pyHanko signs with RSA, ECDSA or EdDSA; it has no SM2), so choosing SM2
(``XINYONG_REPORT_JSON_ALGORITHM=SM2-SM3``) signs the machine-readable twin with SM2, which the verify API
checks; reports signed before the switch still verify under their own algorithm.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from gmssl import func, sm2

from xinyong.errors import XinyongError

SM2_ALG = "SM2-SM3"
_HEX = re.compile(r"^[0-9a-f]+$")


@dataclass(frozen=True)
class Sm2Key:
    """An SM2 key pair as hex (private: 32 bytes; public: the uncompressed point without its prefix)."""

    private_hex: str
    public_hex: str

    @property
    def key_id(self) -> str:
        """Return the SHA-256 of the public key (the signature names its key by it)."""
        return hashlib.sha256(bytes.fromhex(self.public_hex)).hexdigest()

    @classmethod
    def from_private(cls, private_hex: str) -> Sm2Key:
        """Derive the public key from a private key given as 64 hex digits."""
        text = private_hex.strip().lower()
        if len(text) != 64 or not _HEX.match(text) or int(text, 16) == 0:
            raise XinyongError("SM2 私钥须为 64 位十六进制数", code="report.bad_sm2_key", status=500)
        crypt = sm2.CryptSM2(public_key="", private_key=text)
        return cls(text, crypt._kg(int(text, 16), sm2.default_ecc_table["g"]))

    @classmethod
    def load_or_create(cls, path: Path) -> Sm2Key:
        """Load the key from ``path`` (a file holding the private key's hex), generating it the first time."""
        if path.exists():
            return cls.from_private(path.read_text("utf-8"))
        path.parent.mkdir(parents=True, exist_ok=True)
        key = cls.from_private(secrets.token_hex(32))
        path.write_text(key.private_hex, "utf-8")
        path.chmod(0o600)
        return key

    def sign(self, data: bytes) -> str:
        """Return the SM2 signature (hex) over the SM3 digest of ``data``."""
        crypt = sm2.CryptSM2(public_key=self.public_hex, private_key=self.private_hex)
        return str(crypt.sign_with_sm3(data, func.random_hex(crypt.para_len)))

    def verify(self, signature_hex: str, data: bytes) -> bool:
        """Tell whether ``signature_hex`` is this key's SM2 signature over ``data``."""
        if not signature_hex or not _HEX.match(signature_hex) or len(signature_hex) != 128:
            return False
        crypt = sm2.CryptSM2(public_key=self.public_hex, private_key="")
        try:
            return bool(crypt.verify_with_sm3(signature_hex, data))
        except (ValueError, TypeError):
            return False
