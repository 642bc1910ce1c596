"""State machine of the repair workflow (pure).

Repair (信用修复): submitted → accepted | materials_requested (补正) | rejected (不予受理);
materials_requested → submitted (材料补正后重新起算受理期限) | withdrawn; accepted → approved | rejected |
materials_requested. The objection machine is ``objections.states.OBJECTION``.
"""

from __future__ import annotations

from xinyong.machine import Machine

REPAIR = Machine(
    name="repair",
    labels={
        "submitted": "已提交待受理",
        "materials_requested": "待补正材料",
        "accepted": "已受理待决定",
        "approved": "准予修复",
        "rejected": "不予修复",
        "withdrawn": "已撤回",
    },
    transitions={
        "submitted": {
            "accept": "accepted",
            "request_materials": "materials_requested",
            "reject": "rejected",
            "withdraw": "withdrawn",
        },
        "materials_requested": {"supplement": "submitted", "withdraw": "withdrawn"},
        "accepted": {
            "approve": "approved",
            "reject": "rejected",
            "request_materials": "materials_requested",
            "withdraw": "withdrawn",
        },
    },
    pending=frozenset({"submitted", "materials_requested", "accepted"}),
)
