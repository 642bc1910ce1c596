"""The workflow state machines refuse what the procedure does not allow."""

from __future__ import annotations

import pytest

from xinyong.errors import Conflict
from xinyong.objections.states import OBJECTION
from xinyong.repair.states import REPAIR


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("submitted", "accept", "accepted"),
        ("submitted", "request_materials", "materials_requested"),
        ("materials_requested", "supplement", "submitted"),
        ("accepted", "approve", "approved"),
        ("accepted", "reject", "rejected"),
        ("submitted", "reject", "rejected"),
        ("accepted", "withdraw", "withdrawn"),
    ],
)
def test_repair_transitions(state: str, action: str, target: str) -> None:
    assert REPAIR.next(state, action) == target


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("submitted", "approve"),
        ("approved", "reject"),
        ("rejected", "accept"),
        ("materials_requested", "approve"),
    ],
)
def test_repair_refusals(state: str, action: str) -> None:
    with pytest.raises(Conflict) as err:
        REPAIR.next(state, action)
    assert err.value.code == "repair.bad_transition"
    assert err.value.status == 409


def test_objection_machine() -> None:
    assert OBJECTION.next("accepted", "extend") == "accepted"
    assert OBJECTION.next("accepted", "resolve") == "resolved"
    with pytest.raises(Conflict):
        OBJECTION.next("submitted", "resolve")  # verify (accept) first
    assert OBJECTION.is_open("accepted")
    assert not OBJECTION.is_open("rejected")
    assert set(REPAIR.labels) >= {s for t in REPAIR.transitions.values() for s in t.values()}
