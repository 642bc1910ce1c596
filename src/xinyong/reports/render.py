"""Render a report's content as an A4 PDF (WeasyPrint, embedded Noto Sans CJK SC) with a QR code to its
verify page in the header of every page and page numbers in the footer."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import segno
import weasyprint

from xinyong.repair.documents import RepairDocument
from xinyong.reports.schemas import ReportContent

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def qr_data_uri(url: str) -> str:
    """Return the QR code of ``url`` as a PNG data URI (an SVG's hundreds of squares cost more per page)."""
    return str(segno.make(url, encoding="utf-8", error="m").png_data_uri(scale=6, border=1))


def html(content: ReportContent, *, timezone: str = "Asia/Shanghai") -> str:
    """Return the report's HTML."""
    local = content.issued_at.astimezone(ZoneInfo(timezone))
    return _ENV.get_template("report.html").render(
        r=content,
        qr=qr_data_uri(content.verify_url),
        issued_local=f"{local:%Y-%m-%d %H:%M:%S}（北京时间）",
    )


def pdf_of_html(text: str) -> bytes:
    """Render HTML to PDF bytes."""
    doc = weasyprint.HTML(string=text, base_url=str(_TEMPLATES))
    out: bytes = doc.write_pdf(custom_metadata=False)
    return out


def pdf(content: ReportContent, *, timezone: str = "Asia/Shanghai") -> bytes:
    """Render the report as an unsigned PDF."""
    return pdf_of_html(html(content, timezone=timezone))


def document_pdf(doc: RepairDocument) -> bytes:
    """Render a repair document (告知书, 决定书, 申请指引) as an A4 PDF with the embedded CJK font."""
    return pdf_of_html(_ENV.get_template("repair_document.html").render(d=doc))
