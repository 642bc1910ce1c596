"""Filters of the public 双公示 and 名单 pages, and their download as XLSX.

The filters are read once from the query string (so the page, its page links and its download agree),
handed to ``records.publication`` which filters in SQL, and a bad value becomes a Chinese message on
the page. The download holds every matching row up to ``EXPORT_CAP``, each cell made inert against
formula injection (``kit.text.inert_cell``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fastapi import Query
from openpyxl import Workbook

from xinyong.errors import Invalid
from xinyong.kit.text import inert_cell
from xinyong.web.data import DEEPEST, Entry, ListFilters

EXPORT_CAP = DEEPEST
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    "主体名称",
    "统一社会信用代码",
    "信息类别",
    "决定文书号",
    "决定部门",
    "决定日期",
    "有效期至",
    "公示截止",
    "内容",
)


@dataclass(frozen=True)
class ListQuery:
    """What the visitor asked for: the filters, the form's values, and a Chinese error if a value was bad."""

    filters: ListFilters
    form: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def checked(self) -> ListFilters:
        """Return the filters, or raise ``Invalid`` with the Chinese message of a bad value."""
        if self.error:
            raise Invalid(self.error, code="publication.bad_filter")
        return self.filters


def _date(value: str, label: str) -> tuple[dt.date | None, str | None]:
    if not value:
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, f"{label}“{value[:20]}”不是有效日期，请按 年-月-日 填写，如 2026-01-31。"


def list_query(
    q: str = Query("", max_length=100),
    region: str = Query("", max_length=12),
    department: str = Query("", max_length=32),
    since: str = Query("", max_length=32),
    until: str = Query("", max_length=32),
) -> ListQuery:
    """Read the list filters from the query string (a FastAPI dependency)."""
    date_from, bad_from = _date(since, "决定日期起")
    date_to, bad_to = _date(until, "决定日期止")
    error = bad_from or bad_to
    if error is None and date_from and date_to and date_from > date_to:
        error = "决定日期起不能晚于决定日期止。"
    filters = ListFilters(
        county=region or None,
        department=department or None,
        date_from=date_from,
        date_to=date_to,
        keyword=q.strip() or None,
    )
    form = {"q": q, "region": region, "department": department, "since": since, "until": until}
    return ListQuery(filters=filters, form=form, error=error)


def workbook(
    sheet: str, columns: Sequence[str], rows: Iterable[Sequence[object]], about: Sequence[tuple[str, object]]
) -> bytes:
    """Return a workbook of one sheet of rows (cells made inert) and a sheet saying what it holds."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook always has its first sheet
    ws.title = sheet
    ws.append(list(columns))
    for row in rows:
        ws.append([inert_cell(v) if isinstance(v, str) else v for v in row])
    info = wb.create_sheet("说明")
    for label, value in about:
        info.append([label, inert_cell(value) if isinstance(value, str) else value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_of(title: str, entries: list[Entry], *, as_of: dt.date, truncated: bool) -> bytes:
    """Return the workbook of ``entries``: one sheet of rows and one sheet saying what it holds."""
    rows = [
        (
            e.subject_name,
            e.subject_code or "",
            e.catalog_name,
            e.document_no or "",
            e.department,
            e.decision_on.isoformat() if e.decision_on else "",
            e.valid_to.isoformat() if e.valid_to else "",
            e.public_until.isoformat() if e.public_until else "",
            "；".join(f"{label}：{text}" for label, text in e.fields),
        )
        for e in entries
    ]
    note = (
        f"结果超过 {EXPORT_CAP} 条，仅导出前 {EXPORT_CAP} 条，请缩小筛选范围。"
        if truncated
        else "已导出全部结果。"
    )
    about = (("名称", title), ("数据日期", as_of.isoformat()), ("条数", len(entries)), ("说明", note))
    return workbook("公示结果", COLUMNS, rows, about)
