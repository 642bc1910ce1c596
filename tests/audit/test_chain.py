"""The audit log is a hash chain; edits, deletions and reorders are detected."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.audit.chain import canonical
from xinyong.audit.models import AuditEvent


def _three(session: Session) -> list[AuditEvent]:
    return [
        audit.append(session, actor="admin:a", action=f"t.{i}", object_type="t", detail={"i": i})
        for i in range(3)
    ]


def test_chain_verifies(session: Session) -> None:
    _three(session)
    assert audit.verify(session).ok


def test_edit_is_detected(session: Session) -> None:
    events = _three(session)
    session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(detail={"i": 99}))
    session.expire_all()
    check = audit.verify(session)
    assert not check.ok
    assert check.first_bad_seq == events[1].seq


def test_delete_is_detected(session: Session) -> None:
    events = _three(session)
    session.execute(delete(AuditEvent).where(AuditEvent.id == events[1].id))
    check = audit.verify(session)
    assert not check.ok
    assert check.first_bad_seq == events[2].seq


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text()
    | st.floats(allow_nan=False)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), _values, max_size=6))
def test_canonical_form_is_byte_identical_to_sorted_compact_json(obj: dict[str, object]) -> None:
    expected = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    assert canonical(obj) == expected.encode()


def test_canonical_form_of_control_characters_and_surrogates() -> None:
    for text in ("a\x00b\x1f\x7f\u2028", '"\\\n\t\r\b\f', "台州市"):
        obj = {"k": text, "n": [1, None, True]}
        expected = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        assert canonical(obj) == expected.encode()

    class Kind(enum.StrEnum):
        A = "甲"

    class Level(enum.Enum):
        HIGH = 3

    odd_values: list[dict[Any, Any]] = [
        {"e": Kind.A, "t": (1, "a"), "f": [1e-07, {"x": 0.1}]},
        {"l": Level.HIGH},
        {5: "int key", 7: None},
    ]
    for odd in odd_values:  # each falls back to json.dumps: enums, tuples, floats, int keys
        assert (
            canonical(odd)
            == json.dumps(
                odd, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
            ).encode()
        )
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate cannot be hashed, as before
        canonical({"k": "a\ud800"})
