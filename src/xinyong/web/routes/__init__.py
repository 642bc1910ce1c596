"""Page routes by area: portal (public), account (sign-in), me (a signed-in subject), console (government).

Sections built on a capability are mounted when that capability is installed, and only then appear in
the navigation — the pages follow the services as they land, never stand in for them.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter

from xinyong.web.templating import BANK_NAV, CONSOLE_NAV, ME_NAV, PORTAL_NAV

# (page module, capability module it needs, navigation entry or None)
SECTIONS: tuple[
    tuple[str, str | None, tuple[list[tuple[str, str, str]], tuple[str, str, str]] | None], ...
] = (
    ("portal", None, None),
    (
        "portal_commitments",
        "xinyong.commitments.service",
        (PORTAL_NAV, ("commitments", "/commitments", "信用承诺")),
    ),
    ("account", None, None),
    ("me", None, None),
    ("me_cases", "xinyong.repair.service", None),
    ("console", None, None),
    (
        "console_ingest",
        "xinyong.ingest.service",
        (CONSOLE_NAV, ("ingest", "/console/ingest", "归集批次与质量")),
    ),
    (
        "console_ingest",
        "xinyong.ingest.service",
        (CONSOLE_NAV, ("unresolved", "/console/unresolved", "未关联审核")),
    ),
    ("console_upload", "xinyong.ingest.service", None),
    (
        "console_evaluation",
        "xinyong.evaluation.service",
        (CONSOLE_NAV, ("evaluation", "/console/evaluation", "信用评价概览")),
    ),
    (
        "console_checks",
        "xinyong.sanctions.service",
        (CONSOLE_NAV, ("checks", "/console/checks", "核查与反馈")),
    ),
    ("console_cases", "xinyong.repair.service", (CONSOLE_NAV, ("queue", "/console/queue", "修复与异议待办"))),
    (
        "console_monitor",
        "xinyong.monitoring.service",
        (CONSOLE_NAV, ("alerts", "/console/alerts", "风险预警")),
    ),
    (
        "console_monitor",
        "xinyong.monitoring.service",
        (CONSOLE_NAV, ("timeline", "/console/timeline", "主体信用时间轴")),
    ),
    (
        "console_monitor",
        "xinyong.monitoring.service",
        (CONSOLE_NAV, ("screen", "/console/screen", "城市信用大屏")),
    ),
    ("reports", "xinyong.reports.service", (CONSOLE_NAV, ("reports", "/console/reports", "信用报告"))),
    ("reports", "xinyong.reports.service", (ME_NAV, ("reports", "/me/reports", "信用报告"))),
    ("bank", "xinyong.finance.service", (BANK_NAV, ("bank", "/bank", "信贷工作台"))),
    ("reports", "xinyong.reports.service", (BANK_NAV, ("reports", "/console/reports", "信用报告"))),
)


def _installed(module: str | None) -> bool:
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


router = APIRouter(include_in_schema=False)
_mounted: set[str] = set()
for _name, _needs, _nav in SECTIONS:
    if not (_installed(_needs) and _installed(f"xinyong.web.routes.{_name}")):
        continue
    if _name not in _mounted:
        router.include_router(importlib.import_module(f"xinyong.web.routes.{_name}").router)
        _mounted.add(_name)
    if _nav is not None and _nav[1] not in _nav[0]:
        _nav[0].append(_nav[1])
