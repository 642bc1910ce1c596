"""A named state machine for the case workflows (pure): repair, objections and any later desk."""

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
