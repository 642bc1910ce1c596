"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint records the chain's head (sequence number and hash), the number of entries and the time,
signed with the Ed25519 key of ``audit.keys``. Checkpoints are lines of ``checkpoints.jsonl`` in the
configured directory (``XINYONG_AUDIT_ANCHOR_DIR``, by default ``var/audit-anchors``: in production a
directory on another machine or write-once storage). The file is rewritten atomically (a temporary file,
fsync, rename), so a process killed while writing leaves the previous checkpoints intact.

Verification compares each checkpoint with the database: the entry at its sequence number must still
carry its hash (an edit re-chained with the key changes it), and the chain must be at least as long
(deleting the last entries shortens it); a checkpoint whose signature fails was itself forged.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy.orm import Session

from xinyong.audit import service
from xinyong.audit.chain import canonical
from xinyong.audit.keys import AuditKeys
from xinyong.db import utcnow

FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint."""

    seq: int
    hash: str
    entries: int
    at: str
    key_id: str | None
    signature: str

    def body(self) -> dict[str, Any]:
        """Return the signed fields."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "entries": self.entries,
            "at": self.at,
            "key_id": self.key_id,
        }


def _path(directory: Path) -> Path:
    return directory / FILE_NAME


def read(directory: Path) -> tuple[list[Checkpoint], list[str]]:
    """Return the checkpoints in ``directory`` and the lines that could not be read."""
    path = _path(directory)
    if not path.exists():
        return [], []
    found: list[Checkpoint] = []
    broken: list[str] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(Checkpoint(**data))
        except (ValueError, TypeError):
            broken.append(f"检查点文件第 {n} 行无法解析")
    return found, broken


def write(
    session: Session, keys: AuditKeys, directory: Path, *, now: dt.datetime | None = None
) -> Checkpoint:
    """Verify the chain, then sign and store a checkpoint of its head; return it.

    A chain that does not verify gets no checkpoint (it would pin a forged head): ``ValueError``.
    """
    check = service.verify(session, keys=keys)
    if not check.ok:
        raise ValueError(f"审计链校验未通过，不写检查点：第 {check.first_bad_seq} 条：{check.reason}")
    at = (now or utcnow()).astimezone(dt.UTC).isoformat(timespec="seconds")
    unsigned = Checkpoint(check.head_seq, check.head_hash, check.entries, at, keys.key_id, "")
    body = unsigned.body()
    signature = base64.b64encode(keys.signer.sign(canonical(body))).decode()
    point = Checkpoint(check.head_seq, check.head_hash, check.entries, at, keys.key_id, signature)
    directory.mkdir(parents=True, exist_ok=True)
    path = _path(directory)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    line = json.dumps({**body, "signature": signature}, ensure_ascii=False).encode() + b"\n"
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        fh.write(old + line)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return point


def check(
    session: Session, keys: AuditKeys, directory: Path, chain: service.ChainCheck
) -> list[service.Problem]:
    """Compare the checkpoints with the database; return what is wrong, in Chinese, with where."""
    points, broken = read(directory)
    problems = [service.Problem(None, "anchor_unreadable", msg) for msg in broken]
    public = keys.public_key
    for p in points:
        where = f"{p.at} 的检查点（第 {p.seq} 条，共 {p.entries} 条）"
        try:
            public.verify(base64.b64decode(p.signature), canonical(p.body()))
        except (InvalidSignature, ValueError):
            problems.append(
                service.Problem(p.seq, "anchor_signature", f"{where}签名无效（检查点文件被篡改或密钥不符）")
            )
            continue
        stored = service.hash_at(session, p.seq) if p.seq else None
        if p.seq and stored is None:
            problems.append(
                service.Problem(
                    p.seq,
                    "truncated",
                    f"{where}：数据库中已没有第 {p.seq} 条，审计日志只到第 {chain.head_seq} 条（末尾条目被删除）",
                )
            )
        elif p.seq and stored is not None and stored != p.hash:
            problems.append(
                service.Problem(
                    p.seq,
                    "rechained",
                    f"{where}：第 {p.seq} 条的哈希为 {stored[:12]}…，检查点记录为 {p.hash[:12]}…（此前条目被改写后重新链接）",
                )
            )
    return problems
