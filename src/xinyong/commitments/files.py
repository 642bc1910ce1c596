"""Register commitments from a file (CSV with Chinese headers, UTF-8 with or without BOM)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from xinyong.commitments import service
from xinyong.errors import XinyongError
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy

# Column headers accepted for each field (the 信用承诺 catalog labels first).
COLUMNS = {
    "subject_code": ("统一社会信用代码", "主体代码", "证件号码", "code"),
    "type": ("承诺类型", "类型", "type"),
    "department_code": ("受理单位编码", "受理单位", "department"),
    "matter": ("承诺事项", "matter"),
    "content": ("承诺内容", "content"),
    "committed_on": ("承诺日期", "committed_on"),
    "due_on": ("履约期限", "due_on"),
}


@dataclass
class LoadReport:
    """What a file load did: the new codes and the rejected rows with reasons."""

    codes: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _pick(row: dict[str, str], name: str) -> str:
    for header in COLUMNS[name]:
        if row.get(header):
            return row[header].strip()
    return ""


def load_file(session: Session, policy: Policy, keys: KeyRing, path: Path, *, actor: str) -> LoadReport:
    """Register every valid row; a bad row is reported with its line number and does not stop the rest."""
    report = LoadReport()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                due = _pick(row, "due_on")
                data = service.CommitmentInput(
                    subject_code=_pick(row, "subject_code"),
                    type=_pick(row, "type"),
                    department_code=_pick(row, "department_code"),
                    matter=_pick(row, "matter"),
                    content=_pick(row, "content"),
                    committed_on=dt.date.fromisoformat(_pick(row, "committed_on")),
                    due_on=dt.date.fromisoformat(due) if due else None,
                )
                with session.begin_nested():
                    report.codes.append(
                        service.register(session, policy, keys, data, actor=actor, source="file").code
                    )
            except XinyongError as exc:
                report.errors.append((line, exc.message))
            except ValueError as exc:
                report.errors.append((line, f"日期格式错误：{exc}"))
    return report
