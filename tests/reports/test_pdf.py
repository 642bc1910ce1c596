"""A public report over HTTP: the PDF's text matches its JSON twin, fonts are embedded, pages render,
and the numbering, QR header and page numbers are on every page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from tests.reports.conftest import World


def _text(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True).stdout
    return [re.sub(r"\s+", "", page) for page in out.decode().split("\f") if page.strip()]


def test_public_report_pdf_matches_its_json_twin(client: TestClient, world: World, tmp_path: Path) -> None:
    resp = client.post(
        "/api/v1/reports", json={"code": world.company.uscc, "kind": "public", "purpose": "投标"}
    )
    assert resp.status_code == 201, resp.text
    issued = resp.json()
    number = issued["number"]
    assert re.fullmatch(r"\d{22}", number)
    pdf = client.get(issued["links"]["pdf"])
    twin = client.get(issued["links"]["json"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert twin.status_code == 200
    report = twin.json()["report"]
    pages = _text(pdf.content, tmp_path)
    whole = "".join(pages)
    lines = [line for s in report["sections"] for line in s["lines"]]
    assert [line["document_no"] for line in lines] == ["台市监罚〔2026〕118号"]
    for line in lines:
        for value in (line["document_no"], line["catalog_name"], line["department"], line["decision_on"]):
            assert re.sub(r"\s+", "", value) in whole, value
        for f in line["fields"]:
            assert re.sub(r"\s+", "", f["value"])[:20] in whole
    for value in (
        report["subject"]["name"],
        report["subject"]["uscc"],
        report["title"],
        report["policy_hash"],
    ):
        assert value in whole
    for s in report["sections"]:
        assert f"{s['name']}（{s['count']}条）" in whole
    assert len(pages) >= 1
    for n, page in enumerate(pages, start=1):  # header with number, and page numbers, on every page
        assert number in page
        assert f"第{n}页，共{len(pages)}页" in page


def test_fonts_embedded_and_pages_not_blank(client: TestClient, world: World, tmp_path: Path) -> None:
    number = client.post("/api/v1/reports", json={"code": world.company.uscc, "kind": "public"}).json()[
        "number"
    ]
    path = tmp_path / "r.pdf"
    path.write_bytes(client.get(f"/api/v1/reports/{number}.pdf").content)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows
    assert any("CJK" in r for r in rows)
    assert all(r.split()[-5] == "yes" for r in rows), fonts  # emb column
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert images
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout
    qr_pages = {int(line.split()[0]) for line in listed.splitlines()[2:]}
    assert qr_pages == set(range(1, len(images) + 1))  # the QR code in the header of every page
    for image in images:
        grey = Image.open(image).convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 500, f"{image.name} looks blank"
