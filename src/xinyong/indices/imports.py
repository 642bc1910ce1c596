"""``indices import FILE --index ID``: figures the platform cannot compute (survey results, 清欠 shares).

The file (CSV in UTF-8 or GB18030, or XLSX) has the columns 统计期, 单位编码, 指标编码, 数值. Every row is
checked — the period, that the index is in force then, that the unit is one of the index's units, that the
indicator exists and is an imported one, the value's range for its score rule, duplicates — and every
problem is reported with its line. One bad row stores nothing: a half-loaded period would rank counties
on different footings.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.errors import Invalid, XinyongError
from xinyong.indices import periods
from xinyong.indices.compute import gather, window_of
from xinyong.indices.models import IndexImport
from xinyong.indices.schemas import ImportReport
from xinyong.indices.spec import IndexDef, Indicator, indices_of
from xinyong.policy.loader import Policy

COLUMNS = ("统计期", "单位编码", "指标编码", "数值")
MAX_ROWS = 100_000
Row = tuple[int, dict[str, str]]


def _rows(path: Path) -> tuple[list[str], Iterator[Row]]:
    if path.suffix.lower() == ".xlsx":
        ws = load_workbook(path, read_only=True, data_only=True).active
        if ws is None:
            raise Invalid("XLSX 文件没有工作表", code="indices.import_empty")
        values = [["" if v is None else str(v).strip() for v in r] for r in ws.iter_rows(values_only=True)]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(
                    "文件编码无法识别：请以 UTF-8 编码另存", code="indices.import_encoding"
                ) from None
        values = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    if not values:
        raise Invalid("文件为空", code="indices.import_empty")
    header = values[0]
    return header, ((n, dict(zip(header, r, strict=False))) for n, r in enumerate(values[1:], start=2))


def _bounds(ind: Indicator) -> tuple[float, float | None]:
    return {"rate": (0.0, 1.0), "inverse_rate": (0.0, 1.0), "percent": (0.0, 100.0)}.get(
        ind.score.kind, (0.0, None)
    )


class _Checker:
    """Checks rows against one index, remembering the units of each period it has seen."""

    def __init__(self, session: Session, policy: Policy, index_id: str) -> None:
        self.session, self.policy, self.index_id = session, policy, index_id
        self.units: dict[str, set[str]] = {}
        self.seen: dict[tuple[str, str, str], int] = {}

    def _index(self, period: periods.Period) -> IndexDef:
        index = indices_of(self.policy).in_force(self.index_id, period.end)
        if index is None:
            raise Invalid(f"指数 {self.index_id} 在统计期 {period.label} 不生效", code="indices.not_in_force")
        if period.kind != index.period:
            raise Invalid(
                f"统计期须为{'月' if index.period == 'month' else '季度'}", code="indices.bad_period"
            )
        return index

    def _units(self, index: IndexDef, period: periods.Period) -> set[str]:
        if period.label not in self.units:
            start, end = window_of(index, period)
            found: set[str] = set()
            for kind in index.units:
                found |= {u[0] for u in gather(self.session, self.policy, kind, start, end)[0]}
            self.units[period.label] = found
        return self.units[period.label]

    def check(self, line: int, row: dict[str, str]) -> tuple[str, str, str, float]:
        """Return the row's period, unit, indicator and value, or raise ``Invalid`` with the reason."""
        period = periods.parse(row.get("统计期", ""))
        index = self._index(period)
        unit, code = row.get("单位编码", ""), row.get("指标编码", "")
        if unit not in self._units(index, period):
            raise Invalid(f"单位编码“{unit[:30]}”不是本指数的单位", code="indices.bad_unit")
        ind = index.indicator(code)
        if ind is None or not ind.imported:
            raise Invalid(f"指标编码“{code[:30]}”不是本指数的导入指标", code="indices.bad_indicator")
        try:
            value = float(row.get("数值", "").replace(",", ""))
        except ValueError:
            raise Invalid(f"数值“{row.get('数值', '')[:20]}”不是数字", code="indices.bad_value") from None
        low, high = _bounds(ind)
        if value != value or value < low or (high is not None and value > high):
            raise Invalid(
                f"数值 {value:g} 超出范围（{low:g}–{high if high is not None else '∞'}）",
                code="indices.bad_value",
            )
        if (first := self.seen.setdefault((period.label, unit, code), line)) != line:
            raise Invalid(f"与第 {first} 行重复（同一统计期、单位与指标）", code="indices.duplicate")
        return period.label, unit, code, value


def import_file(session: Session, policy: Policy, path: Path, index_id: str, *, actor: str) -> ImportReport:
    """Validate every row of ``path`` for ``index_id``; store them all, or none and every error."""
    if indices_of(policy).latest(index_id) is None:
        raise Invalid(f"指数 {index_id} 不存在", code="indices.unknown_index")
    header, rows = _rows(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return ImportReport(
            batch_no=None, index_id=index_id, rows=0, stored=0, errors=[f"缺少列：{'、'.join(missing)}"]
        )
    checker = _Checker(session, policy, index_id)
    good: list[tuple[int, str, str, str, float]] = []
    errors: list[str] = []
    for line, row in rows:
        if len(good) + len(errors) >= MAX_ROWS:
            errors.append(f"文件超过 {MAX_ROWS} 行，请分批导入")
            break
        try:
            good.append((line, *checker.check(line, row)))
        except XinyongError as exc:
            errors.append(f"第 {line} 行：{exc.message}")
    total = len(good) + len(errors)
    if errors or not good:
        return ImportReport(
            batch_no=None, index_id=index_id, rows=total, stored=0, errors=errors or ["文件没有数据行"]
        )
    batch = f"IM{utcnow():%Y%m%d%H%M%S}{secrets.token_hex(2)}"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    session.add_all(
        IndexImport(
            batch_no=batch,
            index_id=index_id,
            period=p,
            unit_key=u,
            indicator=c,
            value=v,
            line_no=line,
            file_sha256=digest,
            file_name=path.name[:200],
            actor=actor,
        )
        for line, p, u, c, v in good
    )
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="indices.imported",
        object_type="index_import",
        object_id=batch,
        detail={"index_id": index_id, "rows": len(good), "file_sha256": digest, "file": path.name[:200]},
    )
    return ImportReport(batch_no=batch, index_id=index_id, rows=total, stored=len(good), errors=[])
