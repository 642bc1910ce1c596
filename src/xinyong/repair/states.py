"""State machines of the repair and objection workflows (pure).

Repair (信用修复): submitted → accepted | materials_requested (补正) | rejected (不予受理);
materials_requested → submitted (材料补正后重新起算受理期限) | withdrawn; accepted → approved | rejected |
materials_requested. Objection (异议): submitted → accepted | rejected (不予受理); accepted → resolved | rejected,
``extend`` keeps it accepted with a longer clock. A 复核 (review) after a rejection is a new objection case
(stage ``review``) that runs the same machine on its own clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.errors import Conflict


@dataclass(frozen=True)
class Machine:
    """A named state machine: ``transitions[state][action] -> new state``."""

    name: str
    labels: dict[str, str]
    transitions: dict[str, dict[str, str]]
    pending: frozenset[str]

    def next(self, state: str, action: str) -> str:
        """Return the state after ``action``; raise ``Conflict`` (409) if not allowed in ``state``."""
        target = self.transitions.get(state, {}).get(action)
        if target is None:
            allowed = "、".join(self.transitions.get(state, {})) or "无"
            raise Conflict(
                f"{self.labels.get(state, state)}状态下不能执行该操作（可执行：{allowed}）",
                code=f"{self.name}.bad_transition",
                state=state,
                action=action,
            )
        return target

    def allowed(self, state: str) -> list[str]:
        """Return the actions allowed in ``state``."""
        return list(self.transitions.get(state, {}))

    def is_open(self, state: str) -> bool:
        """Tell whether a case in ``state`` still waits for someone."""
        return state in self.pending


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

OBJECTION = Machine(
    name="objection",
    labels={
        "submitted": "已提交待受理",
        "accepted": "已受理核查中",
        "resolved": "异议成立已处理",
        "rejected": "异议不成立（或不予受理）",
    },
    transitions={
        "submitted": {"accept": "accepted", "reject": "rejected"},
        "accepted": {"resolve": "resolved", "reject": "rejected", "extend": "accepted"},
    },
    pending=frozenset({"submitted", "accepted"}),
)
