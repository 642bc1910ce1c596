"""Feed file writers: CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX, deterministic to the byte.

Rows are buffered and appended in blocks, so thousands of files can be written at once without
holding them open. An XLSX sheet is appended to a part file and zipped when the file is finished,
with fixed timestamps and no document properties, so the same rows give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from xinyong.synth.context import Value

EXCEL_EPOCH = dt.date(1899, 12, 30)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def format_amount(value: float) -> str:
    """Write an amount in 万元 without float noise: 0.5, 12, 0.0235."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def text_of(value: Value) -> str:
    """Return how a value is written in a CSV cell (ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format_amount(value)
    return value


class CsvFeed:
    """A CSV feed file; ``encoding`` is utf-8, utf-8-sig (BOM) or gbk."""

    def __init__(self, path: Path, header: list[str], encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._pending = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._csv.writerow(header)
        # The byte-order mark goes once at the start of the file, never before appended rows.
        path.write_bytes(self._take().encode(encoding))
        self._append_encoding = "utf-8" if encoding == "utf-8-sig" else encoding

    def _take(self) -> str:
        # A fresh buffer per block: a truncated StringIO may keep its largest allocation.
        text = self._text.getvalue()
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        return text

    def add(self, cells: list[Value]) -> None:
        """Queue one row."""
        self._csv.writerow(["" if v is None else v if type(v) is str else text_of(v) for v in cells])
        self._pending += 1

    @property
    def pending(self) -> int:
        """Return the number of queued rows."""
        return self._pending

    def flush(self) -> None:
        """Append the queued rows to the file."""
        if self._pending:
            data = self._take().encode(self._append_encoding)
            self._pending = 0
            with self.path.open("ab") as fh:
                fh.write(data)

    def close(self) -> None:
        """Write what is left."""
        self.flush()


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        name = chr(65 + r) + name
    return name


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean_xml(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text))


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# Style 1 is a date (built-in number format 14, yyyy/m/d), as Excel writes dates.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


class XlsxFeed:
    """An XLSX feed file with one sheet, Chinese headers and real Excel dates."""

    def __init__(self, path: Path, header: list[str], sheet: str) -> None:
        self.path = path
        self.sheet = sheet
        self.part = path.with_name(path.name + ".part")
        self._buffer: list[str] = []
        self._row = 0
        self._columns: list[str] = []
        path.parent.mkdir(parents=True, exist_ok=True)
        self.part.write_bytes(b"")
        self.add(list(header))
        self.flush()

    def add(self, cells: list[Value]) -> None:
        """Queue one row."""
        self._row += 1
        while len(self._columns) < len(cells):
            self._columns.append(_column(len(self._columns)))
        out = [f'<row r="{self._row}">']
        for col, value in zip(self._columns, cells, strict=False):
            ref = f"{col}{self._row}"
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                out.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            elif isinstance(value, float):
                out.append(f'<c r="{ref}"><v>{format_amount(value)}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{_clean_xml(value)}</t></is></c>')
        out.append("</row>")
        self._buffer.append("".join(out))

    @property
    def pending(self) -> int:
        """Return the number of queued rows."""
        return len(self._buffer)

    def flush(self) -> None:
        """Append the queued rows to the part file."""
        if self._buffer:
            data = "".join(self._buffer).encode("utf-8")
            self._buffer.clear()
            with self.part.open("ab") as fh:
                fh.write(data)

    def close(self) -> None:
        """Zip the workbook deterministically and remove the part file."""
        self.flush()
        with zipfile.ZipFile(self.path, "w") as zf:
            for name, text in (
                ("[Content_Types].xml", CONTENT_TYPES),
                ("_rels/.rels", ROOT_RELS),
                ("xl/workbook.xml", WORKBOOK.format(sheet=_clean_xml(self.sheet))),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                ("xl/styles.xml", STYLES),
            ):
                zf.writestr(_info(name), text.encode("utf-8"))
            with zf.open(_info("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
                sheet.write(SHEET_HEAD.encode("utf-8"))
                with self.part.open("rb") as part:
                    shutil.copyfileobj(part, sheet, 1 << 20)
                sheet.write(SHEET_TAIL.encode("utf-8"))
        self.part.unlink()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info
