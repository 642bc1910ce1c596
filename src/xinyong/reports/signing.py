"""Signing and checking reports: a PAdES signature on the PDF (pyHanko) and a detached signature on the
JSON twin, both with the credit centre's key.

Development and demo generate an ECDSA P-256 key and a self-signed certificate under ``var/``; in
production both must be given by settings (a placeholder is refused, like the other secrets).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from xinyong.errors import XinyongError
from xinyong.reports.sm2 import SM2_ALG, Sm2Key

ALG = "ES256"
FIELD_PREFIX = "XYReport-"
MARKER = "XYReportNo"  # letters and digits only: written unescaped, found by a byte search
ISSUER = "台州市公共信用信息中心"


def canonical(report: dict[str, Any]) -> bytes:
    """Return the canonical bytes of a report's content (what the JSON signature covers)."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class PdfCheck:
    """What the PDF signature check found."""

    signed: bool
    intact: bool
    valid: bool
    number: str | None


class ReportSigner:
    """The credit centre's signing key and certificate."""

    def __init__(
        self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, sm2_key: Sm2Key | None = None
    ) -> None:
        self.key = key
        self.cert = cert
        self.sm2 = sm2_key  # when set, the JSON twin is signed with SM2 (国密 option)
        der = cert.public_bytes(serialization.Encoding.DER)
        self.key_id = hashlib.sha256(der).hexdigest()
        self.cert_b64 = base64.b64encode(der).decode()
        self._asn1_cert = asn1_x509.Certificate.load(der)
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._signer = signers.SimpleSigner(
            signing_cert=self._asn1_cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([self._asn1_cert]),  # type: ignore[no-untyped-call]
        )

    @classmethod
    def from_pem(cls, key_pem: bytes, cert_pem: bytes) -> ReportSigner:
        """Build from PEM texts (an unencrypted PKCS#8 EC key and its certificate)."""
        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise XinyongError("报告签名密钥须为 EC（P-256）私钥", code="report.bad_key", status=500)
        return cls(key, x509.load_pem_x509_certificate(cert_pem))

    @classmethod
    def load_or_create(cls, directory: Path) -> ReportSigner:
        """Load the development key pair under ``directory``, generating it the first time."""
        key_path, cert_path = directory / "report-signing-key.pem", directory / "report-signing-cert.pem"
        if key_path.exists() and cert_path.exists():
            return cls.from_pem(key_path.read_bytes(), cert_path.read_bytes())
        directory.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, ISSUER),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{ISSUER}（演示）"),
            ]
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cls(key, cert)

    # -- PDF -------------------------------------------------------------------------------------

    def sign_pdf(self, pdf: bytes, number: str) -> bytes:
        """Return the PDF with a PAdES signature in a field named after the report number."""
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_PREFIX + number,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=f"信用报告 {number}",
            location="台州",
            name=ISSUER,
            # ASCII in the uncompressed signature dictionary: a damaged file still names its report
            contact_info=MARKER + number,
        )
        out = signers.sign_pdf(writer, meta, signer=self._signer)
        return out.getvalue()  # type: ignore[no-any-return]

    def check_pdf(self, pdf: bytes) -> PdfCheck:
        """Validate the report signature of a PDF against this certificate (any byte changed ⇒ not intact)."""
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            sigs = reader.embedded_signatures
        except Exception:  # a damaged file is simply not a valid report
            return PdfCheck(signed=False, intact=False, valid=False, number=None)
        ours = [s for s in sigs if str(s.field_name).startswith(FIELD_PREFIX)]
        if not ours:
            return PdfCheck(signed=False, intact=False, valid=False, number=None)
        sig = ours[0]
        number = str(sig.field_name)[len(FIELD_PREFIX) :]
        try:
            context = ValidationContext(trust_roots=[self._asn1_cert], allow_fetching=False)
            status = validate_pdf_signature(sig, context)
        except Exception:  # an unreadable signature is an invalid one
            return PdfCheck(signed=True, intact=False, valid=False, number=number)
        covers_all = sig.signed_data is not None and _covers_file(sig, len(pdf))
        intact = bool(status.intact) and covers_all
        return PdfCheck(signed=True, intact=intact, valid=intact and bool(status.valid), number=number)

    # -- JSON ------------------------------------------------------------------------------------

    def with_sm2(self, sm2_key: Sm2Key) -> ReportSigner:
        """Return this signer signing JSON twins with ``sm2_key`` (the PDF keeps its PAdES signature)."""
        return ReportSigner(self.key, self.cert, sm2_key)

    def sign_json(self, report: dict[str, Any]) -> dict[str, Any]:
        """Return the signature block over the canonical JSON of ``report`` (ES256, or SM2-SM3 if chosen)."""
        if self.sm2 is not None:
            return {
                "alg": SM2_ALG,
                "key_id": self.sm2.key_id,
                "public_key": self.sm2.public_hex,
                "value": self.sm2.sign(canonical(report)),
            }
        value = self.key.sign(canonical(report), ec.ECDSA(hashes.SHA256()))
        return {
            "alg": ALG,
            "key_id": self.key_id,
            "certificate": self.cert_b64,
            "value": base64.b64encode(value).decode(),
        }

    def check_json(self, report: dict[str, Any], signature: dict[str, Any]) -> bool:
        """Tell whether ``signature`` is this platform's valid signature over ``report`` (either algorithm)."""
        if signature.get("alg") == SM2_ALG:
            return (
                self.sm2 is not None
                and signature.get("key_id") == self.sm2.key_id
                and self.sm2.verify(str(signature.get("value", "")), canonical(report))
            )
        if signature.get("alg") != ALG or signature.get("key_id") != self.key_id:
            return False
        try:
            raw = base64.b64decode(str(signature.get("value", "")), validate=True)
            self.key.public_key().verify(raw, canonical(report), ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return False
        return True


def _covers_file(sig: Any, size: int) -> bool:
    """Tell whether the signed byte range reaches the end of the file (nothing appended after signing)."""
    br = sig.sig_object.get("/ByteRange")
    if br is None or len(br) != 4:
        return False
    return int(br[2]) + int(br[3]) == size
