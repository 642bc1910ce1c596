"""State machine of the objection workflow (pure).

Objection (异议): submitted → accepted | rejected (不予受理); accepted → resolved | rejected, ``extend`` keeps
it accepted with a longer clock. A 复核 (review) after a rejection is a new objection case (stage
``review``) that runs the same machine on its own clock.
"""

from __future__ import annotations

from xinyong.machine import Machine

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
