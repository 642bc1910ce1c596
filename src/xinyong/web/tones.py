"""The colour a state is shown in (presentation only): the state itself — its code or label — comes from the
service; the page asks ``tone(kind, state)`` for the badge class instead of comparing it with literals."""

from __future__ import annotations

from xinyong.monitoring.service import FALSE_ALARM, HANDLED, VERIFIED
from xinyong.rules.disclosure import MARK_REPAIRED, MARK_UNDER_OBJECTION

BADGES: dict[str, dict[str, str]] = {
    "agency": {"filed": "badge-ok", "cancelled": "badge-danger"},  # 信用服务机构备案
    "licence": {"valid": "badge-ok", "revoked": "badge-danger"},  # 职业资格
    "commitment": {"未履行": "badge-danger", "全部履行": "badge-ok"},  # 信用承诺履约
    "alert": {HANDLED: "badge-ok", VERIFIED: "badge-warn", FALSE_ALARM: "", "": "badge-danger"},  # 预警处置
    "mark": {MARK_UNDER_OBJECTION: "mark-objection", MARK_REPAIRED: "mark-repaired"},  # 记录标注
}


def tone(kind: str, state: str) -> str:
    """Return the CSS class of ``state`` of a ``kind`` of thing ("" when it has no colour of its own)."""
    shades = BADGES[kind]
    return shades.get(state, shades.get("", ""))
