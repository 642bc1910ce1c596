"""Factories for 归集: department feed rows and files in every format departments send."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from xinyong.departments import service as departments_service
from xinyong.policy.loader import Policy

WL_SCJG_USCC = "11331081027146595L"  # 温岭市市场监督管理局 (policy/departments.yaml)
LH_SCJG_USCC = "11331082030297407H"  # 临海市市场监督管理局
CF_HEADERS = (
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_XDR_ZZJG",
    "CF_XDR_GSZC",
    "CF_FRDB",
    "CF_XDR_ZJLX",
    "CF_XDR_ZJHM",
    "CF_WSH",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_NR",
    "CF_NR_FK",
    "CF_JDRQ",
    "CF_YXQ",
    "CF_GSJZQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_SJLY",
    "CF_SJLYDM",
)


def sync_departments(session: Session, policy: Policy) -> None:
    """Load the departments of the policy."""
    departments_service.sync_from_policy(session, policy, actor="test", on=dt.date(2026, 1, 1))


def penalty(
    name: str,
    uscc: str = "",
    doc: str = "温市监罚〔2026〕1号",
    *,
    dept_uscc: str = WL_SCJG_USCC,
    **fields: str,
) -> dict[str, str]:
    """Return one 行政处罚 row in national codes (organisation by default)."""
    row = {
        "CF_XDR_MC": name,
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc,
        "CF_XDR_ZZJG": "",
        "CF_XDR_GSZC": "",
        "CF_FRDB": "张三",
        "CF_XDR_ZJLX": "",
        "CF_XDR_ZJHM": "",
        "CF_WSH": doc,
        "CF_WFXW": "发布虚假广告",
        "CF_SY": "当事人在其网店发布虚假宣传内容",
        "CF_YJ": "《中华人民共和国广告法》第五十五条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币一万元",
        "CF_NR_FK": "1",
        "CF_JDRQ": "2026-05-06",
        "CF_YXQ": "2026-06-06",
        "CF_GSJZQ": "2027-05-06",
        "CF_CFJG": "温岭市市场监督管理局",
        "CF_CFJGDM": dept_uscc,
        "CF_SJLY": "温岭市市场监督管理局",
        "CF_SJLYDM": dept_uscc,
    }
    row.update(fields)
    return row


def person_penalty(name: str, id_number: str, doc: str, **fields: str) -> dict[str, str]:
    """Return a 行政处罚 row of a natural person."""
    return penalty(
        name, "", doc, CF_XDR_LB="自然人", CF_FRDB="", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=id_number, **fields
    )


def write_csv(
    path: Path,
    rows: Sequence[dict[str, str]],
    *,
    encoding: str = "utf-8",
    headers: Sequence[str] | None = None,
) -> Path:
    """Write rows as CSV in ``encoding`` (``utf-8-sig`` writes a BOM, ``gbk`` a legacy file)."""
    cols = list(headers or rows[0].keys())
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        for row in rows:
            writer.writerow([row.get(c, "") for c in cols])
    return path


def write_xlsx(path: Path, header_labels: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write an XLSX sheet (cells may be real dates)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(header_labels))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_json(path: Path, rows: Sequence[object]) -> Path:
    """Write rows as a JSON array."""
    path.write_text(json.dumps(list(rows), ensure_ascii=False), "utf-8")
    return path


def excel_date(day: dt.date) -> dt.datetime:
    """Return a date as openpyxl writes a real Excel date cell."""
    return dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001 - Excel cells carry no time zone


def cli_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """Return the environment for running the CLI against a test database."""
    from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY

    env = dict(os.environ)
    env.update(
        XINYONG_ENV="test",
        XINYONG_DATABASE_URL=database_url,
        XINYONG_POLICY_DIR=str(POLICY_DIR),
        XINYONG_VAR_DIR=str(var_dir),
        XINYONG_DATA_KEY=TEST_DATA_KEY,
        XINYONG_INDEX_KEY=TEST_INDEX_KEY,
        XINYONG_SECRET_KEY="test-secret-key",
    )
    return env


def run_cli(
    args: Sequence[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``xinyong`` with ``args`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def invoke_cli(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``xinyong`` with ``args`` in this process (the same commands, settings from the same ``XINYONG_``
    environment, without a new interpreter importing the application): for tests where the subprocess is
    not the point. An uncaught error comes back in ``stderr`` with its traceback."""
    import traceback

    from typer.testing import CliRunner

    from xinyong.cli import app

    settings_env = {k: v for k, v in env.items() if k.startswith("XINYONG_")}
    result = CliRunner().invoke(app, list(args), env=settings_env, prog_name="xinyong")
    stderr = result.stderr
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, stderr)
