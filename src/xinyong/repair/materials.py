"""A repair case's materials: stored by content (formats the workflow allows), listed, and checked for completeness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.repair import storage
from xinyong.repair.models import RepairCase, RepairMaterial
from xinyong.repair.workflows import RepairWorkflow, workflows


def store_uploads(
    session: Session,
    policy: Policy,
    case: RepairCase,
    uploads: list[storage.Upload],
    *,
    var_dir: Path,
    max_bytes: int,
    actor: str,
) -> list[RepairMaterial]:
    wf = workflows(policy).repair
    rules = wf.modes[case.mode]  # type: ignore[index]
    if sum(not u.generated for u in uploads) > wf.material_max_files:
        raise Invalid(f"一次最多上传 {wf.material_max_files} 个材料", code="repair.too_many_materials")
    limit = min(max_bytes, wf.material_max_bytes)
    out = []
    for up in uploads:
        if rules.material(up.kind) is None:
            known = "、".join(m.code for m in rules.materials)
            raise Invalid(f"未知的材料类型 {up.kind}（可选：{known}）", code="repair.bad_material_kind")
        media_type = storage.GENERATED_TEXT if up.generated else material_type(wf, up)
        stored = storage.store(var_dir, up.data, max_bytes=limit)
        row = RepairMaterial(
            repair_id=case.id,
            kind=up.kind,
            filename=storage.safe_name(up.filename),
            content_type=media_type,
            size=stored.size,
            sha256=stored.sha256,
            stored_path=stored.relpath,
            uploaded_by=actor,
        )
        session.add(row)
        out.append(row)
    session.flush()
    return out


def material_type(wf: RepairWorkflow, up: storage.Upload) -> str:
    """Return the media type of an uploaded file judged by its content; refuse formats the workflow does not allow."""
    found = wf.material_type(storage.sniff(up.data))
    if found is None:
        allowed = "、".join(t.label for t in wf.material_types)
        raise Invalid(
            f"材料“{storage.safe_name(up.filename)}”的格式不被接受（按文件内容判定），仅接受：{allowed}",
            code="repair.material_type",
        )
    return found.media_type


def materials(session: Session, case_id: int) -> list[RepairMaterial]:
    """Return a case's materials, oldest first."""
    return list(
        session.scalars(
            select(RepairMaterial).where(RepairMaterial.repair_id == case_id).order_by(RepairMaterial.id)
        )
    )


def missing_materials(policy: Policy, mode: str, have: set[str], *, agent: bool) -> list[str]:
    """Return the labels of required materials not in ``have`` (an agent also needs a power of attorney)."""
    rules = workflows(policy).repair.modes[mode]  # type: ignore[index]
    need = [m for m in rules.materials if m.required or (agent and m.code == "power_of_attorney")]
    return [m.label for m in need if m.code not in have]


def online_commitment(policy: Policy, document: str, actor: str, now: dt.datetime) -> storage.Upload:
    """Return the commitment signed online (信用修复承诺书) as a generated text material."""
    text = f"信用修复承诺书\n记录：{document}\n{workflows(policy).repair.commitment_text}\n签署：{actor}（{now.isoformat()}）\n"
    return storage.Upload(
        "commitment", "在线签署的信用修复承诺书.txt", "text/plain", text.encode(), generated=True
    )
