"""Page routes by area: portal (public), account (sign-in), me (a signed-in subject), console (government).

Each section is imported by reference and listed with the navigation entries it adds; a section appears
in the navigation only with its pages, so the pages follow the services they call.
"""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.routes import (
    account,
    agencies,
    bank,
    console,
    console_cases,
    console_checks,
    console_evaluation,
    console_indices,
    console_ingest,
    console_monitor,
    console_simulation,
    console_timetravel,
    console_upload,
    me,
    me_cases,
    portal,
    portal_commitments,
    professions,
    reports,
    rural,
)
from xinyong.web.templating import BANK_NAV, CONSOLE_NAV, ME_NAV, PORTAL_NAV

NavEntry = tuple[str, str, str]  # (key, path, label)
# (page router, navigation entries it adds as (menu, entry)), in mounting order.
SECTIONS: tuple[tuple[APIRouter, tuple[tuple[list[NavEntry], NavEntry], ...]], ...] = (
    (portal.router, ()),
    (portal_commitments.router, ((PORTAL_NAV, ("commitments", "/commitments", "信用承诺")),)),
    (account.router, ()),
    (me.router, ()),
    (me_cases.router, ()),
    (console.router, ()),
    (
        console_ingest.router,
        (
            (CONSOLE_NAV, ("ingest", "/console/ingest", "归集批次与质量")),
            (CONSOLE_NAV, ("unresolved", "/console/unresolved", "未关联审核")),
        ),
    ),
    (console_upload.router, ()),
    (console_evaluation.router, ((CONSOLE_NAV, ("evaluation", "/console/evaluation", "信用评价概览")),)),
    (console_checks.router, ((CONSOLE_NAV, ("checks", "/console/checks", "核查与反馈")),)),
    (
        console_simulation.router,
        ((CONSOLE_NAV, ("simulations", "/console/simulations", "政策影响模拟")),),
    ),
    (console_indices.router, ((CONSOLE_NAV, ("indices", "/console/indices", "指数")),)),
    (console_cases.router, ((CONSOLE_NAV, ("queue", "/console/queue", "修复与异议待办")),)),
    (
        console_monitor.router,
        (
            (CONSOLE_NAV, ("alerts", "/console/alerts", "风险预警")),
            (CONSOLE_NAV, ("timeline", "/console/timeline", "主体信用时间轴")),
            (CONSOLE_NAV, ("screen", "/console/screen", "城市信用大屏")),
        ),
    ),
    (console_timetravel.router, ()),
    (
        reports.router,
        (
            (CONSOLE_NAV, ("reports", "/console/reports", "信用报告")),
            (ME_NAV, ("reports", "/me/reports", "信用报告")),
        ),
    ),
    (bank.router, ((BANK_NAV, ("bank", "/bank", "信贷工作台")),)),
    (reports.router, ((BANK_NAV, ("reports", "/console/reports", "信用报告")),)),
    (
        rural.router,
        (
            (PORTAL_NAV, ("credit-villages", "/credit-villages", "信用村公示")),
            (CONSOLE_NAV, ("rural", "/console/rural", "信用村与信用户")),
            (ME_NAV, ("household", "/me/household", "我的农户")),
        ),
    ),
    (
        agencies.router,
        (
            (PORTAL_NAV, ("agencies", "/agencies", "信用服务机构")),
            (CONSOLE_NAV, ("agencies", "/console/agencies", "信用服务机构备案")),
        ),
    ),
    (professions.router, ((CONSOLE_NAV, ("professions", "/console/professions", "职业人群与公务员")),)),
)

router = APIRouter(include_in_schema=False)
_mounted: set[int] = set()
for _section, _entries in SECTIONS:
    if id(_section) not in _mounted:
        router.include_router(_section)
        _mounted.add(id(_section))
    for _menu, _entry in _entries:
        if _entry not in _menu:
            _menu.append(_entry)
