"""The facts behind a point, described in Chinese for the drill-down (records, cases, imports, KPI rows)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.departments import service as departments_service
from xinyong.indices.models import IndexImport
from xinyong.indices.schemas import EvidenceRow
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject
from xinyong.subjects.names import names_of

KIND_LABELS = {
    "record": "信用记录",
    "repair": "信用修复件",
    "objection": "异议件",
    "commitment": "信用承诺",
    "import": "导入数据",
    "quality": "归集质量",
    "checks": "核查反馈",
    "rural": "信用村评定",
}


def _records(session: Session, policy: Policy, ids: list[int]) -> dict[int, EvidenceRow]:
    found = session.execute(
        select(CreditRecord, Subject.uscc)
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .where(CreditRecord.id.in_(ids))
    ).all()
    rows = [r for r, _ in found]
    codes = {r.id: code for r, code in found}
    names = names_of(session, {r.subject_id for r in rows})
    depts = departments_service.by_ids(session, {r.department_id for r in rows})
    out = {}
    for r in rows:
        item = policy.catalog.get(r.catalog_item)
        dept = depts.get(r.department_id)
        text = (
            f"{names.get(r.subject_id, '')}｜{item.name if item else r.catalog_item}｜{r.document_no or '无文号'}｜"
            f"决定日期 {r.decision_on.isoformat() if r.decision_on else '未载明'}｜{dept.name if dept else ''}"
        )
        out[r.id] = EvidenceRow(kind=KIND_LABELS["record"], text=text, subject_code=codes.get(r.id))
    return out


def _imports(session: Session, refs: list[tuple[str, int]]) -> dict[tuple[str, int], EvidenceRow]:
    batches = sorted({b for b, _ in refs})
    rows = session.scalars(select(IndexImport).where(IndexImport.batch_no.in_(batches)))
    return {
        (r.batch_no, r.line_no): EvidenceRow(
            kind=KIND_LABELS["import"],
            text=f"批次 {r.batch_no} 第 {r.line_no} 行（{r.file_name}，{r.actor}）：{r.value:g}",
        )
        for r in rows
        if (r.batch_no, r.line_no) in set(refs)
    }


def _plain(kind: str, rest: str, dept_names: dict[str, str]) -> EvidenceRow:
    if kind == "quality":
        code, month, rows = ([*rest.split(":"), "", "", ""])[:3]
        who = dept_names.get(code, "未识别部门")
        return EvidenceRow(kind=KIND_LABELS[kind], text=f"{who} {month} 报送 {rows} 行（归集质量指标）")
    return EvidenceRow(kind=KIND_LABELS.get(kind, "其他"), text=rest)


def describe(session: Session, policy: Policy, refs: list[str]) -> list[EvidenceRow]:
    """Describe evidence refs (``record:12``, ``import:IM…:3``, ``repair:4`` …) in order."""
    parsed = [([*r.split(":", 1), ""])[:2] for r in refs]
    record_ids = [int(v) for k, v in parsed if k == "record" and v.isdigit()]
    import_refs = []
    for k, v in parsed:
        batch, _, line = v.rpartition(":")
        if k == "import" and line.isdigit():
            import_refs.append((batch, int(line)))
    records = _records(session, policy, record_ids) if record_ids else {}
    imports = _imports(session, import_refs) if import_refs else {}
    dept_names = (
        {d.code: d.name for d in departments_service.listed(session)}
        if any(k == "quality" for k, _ in parsed)
        else {}
    )
    out = []
    for kind, value in parsed:
        found: EvidenceRow | None = None
        if kind == "record" and value.isdigit():
            found = records.get(int(value))
        elif kind == "import":
            batch, _, line = value.rpartition(":")
            found = imports.get((batch, int(line))) if line.isdigit() else None
        out.append(found or _plain(kind, value, dept_names))
    return out
