"""Policy versions kept per content hash: every stored answer names ``policy.hash``; this resolves it.

``keep`` stores the tree the runtime loaded (when ``db upgrade`` or ``policy sync`` brings the registers
in step, and before a stored answer is replayed); ``resolve`` returns the ``Policy`` of a hash — the one in
force if it matches, else the stored tree unpacked into ``var/policy-snapshots/<hash>/`` and loaded, its
hash recomputed from the files before use (``policy.loader.policy_hash``).
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound, XinyongError
from xinyong.policy.loader import Policy, load_policy, policy_hash
from xinyong.registers.models import PolicySnapshot


def pack(root: Path) -> tuple[bytes, int]:
    """Return the compressed files of a policy tree and their number (the bytes ``policy_hash`` reads)."""
    files = {
        p.relative_to(root).as_posix(): base64.b64encode(p.read_bytes()).decode("ascii")
        for p in sorted(q for q in root.rglob("*") if q.is_file())
    }
    return zlib.compress(json.dumps(files, sort_keys=True).encode("utf-8"), 9), len(files)


def unpack(blob: bytes, target: Path) -> None:
    """Write the files of a packed policy tree under ``target``."""
    files: dict[str, str] = json.loads(zlib.decompress(blob))
    for rel, data in files.items():
        path = (target / rel).resolve()
        if target.resolve() not in path.parents:  # never outside the target (a tampered row)
            raise XinyongError(f"政策存档中的路径不合法：{rel}", code="policy.snapshot_bad", status=500)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


def keep(session: Session, policy: Policy) -> bool:
    """Store the tree of ``policy`` under its hash if it is not stored yet; return whether it was stored.

    Nothing is stored if the files on disk no longer hash to ``policy.hash`` (edited since loaded).
    """
    if session.get(PolicySnapshot, policy.hash) is not None:
        return False
    blob, count = pack(policy.root)
    if policy_hash(policy.root) != policy.hash:
        return False
    session.add(PolicySnapshot(hash=policy.hash, files=blob, file_count=count))
    session.flush()
    return True


def stored_hashes(session: Session) -> list[str]:
    """Return the hashes whose policy trees are kept."""
    return list(session.scalars(select(PolicySnapshot.hash).order_by(PolicySnapshot.stored_at)))


def resolve(session: Session, current: Policy, wanted: str, cache_dir: Path) -> Policy:
    """Return the policy whose content hash is ``wanted`` (the current one, or a kept tree)."""
    if wanted == current.hash:
        return current
    target = cache_dir / "policy-snapshots" / wanted
    if not target.is_dir():
        row = session.get(PolicySnapshot, wanted)
        if row is None:
            raise NotFound(
                f"政策版本 {wanted[:12]} 未存档，无法按当时的政策重算", code="policy.snapshot_missing"
            )
        partial = target.with_name(target.name + ".partial")
        partial.mkdir(parents=True, exist_ok=True)
        unpack(row.files, partial)
        partial.rename(target)
    loaded = load_policy(target)
    if loaded.hash != wanted:
        raise XinyongError(
            f"政策存档 {wanted[:12]} 的内容与其哈希不符", code="policy.snapshot_bad", status=500
        )
    return loaded
