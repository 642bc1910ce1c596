"""Uploaded materials on disk under ``var_dir/materials``, addressed by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xinyong.errors import Invalid


@dataclass(frozen=True)
class Upload:
    """One uploaded file as received (``generated``: written by the platform itself, not a client)."""

    kind: str
    filename: str
    content_type: str | None
    data: bytes
    generated: bool = False


# File signatures ("magic bytes") of the formats a workflow may allow; which are allowed is policy.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
GENERATED_TEXT = "text/plain; charset=utf-8"


# Headers of every material served: never sniffed, never scripted, never framed or given a live origin.
INERT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def sniff(data: bytes) -> str | None:
    """Return the media type ``data`` is, judged by its first bytes only (never the client's header)."""
    for magic, media_type in _SIGNATURES:
        if data.startswith(magic):
            return media_type
    return None


def download_name(filename: str, extension: str | None) -> str:
    """Return ``filename`` made safe, ending in ``.extension`` (the format the content was judged to be)."""
    name = safe_name(filename)
    if extension and not name.lower().endswith("." + extension):
        name = f"{name}.{extension}"
    return name


@dataclass(frozen=True)
class Stored:
    """Where an upload went."""

    sha256: str
    relpath: str
    size: int


def safe_name(filename: str) -> str:
    """Return a filename without directories or control characters (for display and download)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f]", "", base).strip() or "material"
    return base[:200]


def store(var_dir: Path, data: bytes, *, max_bytes: int) -> Stored:
    """Write ``data`` under ``var_dir/materials/ab/<sha256>`` once (atomic rename) and return its hash."""
    if not data:
        raise Invalid("上传的材料为空文件", code="repair.material_empty")
    if len(data) > max_bytes:
        raise Invalid(f"单个材料不得超过 {max_bytes // (1024 * 1024)} MB", code="repair.material_too_large")
    digest = hashlib.sha256(data).hexdigest()
    rel = Path("materials") / digest[:2] / digest
    target = var_dir / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return Stored(sha256=digest, relpath=rel.as_posix(), size=len(data))


def read(var_dir: Path, relpath: str, sha256: str) -> bytes:
    """Read a stored material back, checking its hash."""
    data = (var_dir / relpath).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Invalid(
            "材料文件与登记的哈希不一致（可能已被篡改）", code="repair.material_tampered", status=500
        )
    return data
