"""Issue 14 point 8: a natural person's record never carries a 公示期内/公示至 label (file views, notices).

The page itself is checked in ``tests/web/test_person_pages.py``.

Natural persons' credit information is not public in Zhejiang (浙江条例第十五条): the person sees the
record, departments use it, but no publication window is ever stated for it — not in the disclosure
reason, not as 公示截止, not as another channel's window, not in the repair notice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import records as rf
from tests.factories.subjects import department, enterprise, next_ric, person
from tests.rules.conftest import penalty_row
from xinyong.auth.principal import Principal, Role
from xinyong.creditfile.service import build_credit_file
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.repair.models import RepairNotice
from xinyong.repair.notice_batch import issue_notices_for_new_penalties
from xinyong.repair.notices import _compose, issue_notice
from xinyong.repair.queries import notice_facts
from xinyong.rules.disclosure import Audience, decide
from xinyong.runtime import Runtime

LABELS = ("公示期内", "公示至", "公示截止")
D = dt.date


def _labelled(text: str) -> bool:
    return any(label in text for label in LABELS)


@pytest.mark.parametrize("domain", ["market_regulation", "environment"])
@pytest.mark.parametrize("decided", [D(2022, 3, 1), D(2025, 5, 10), D(2026, 5, 10)])
def test_no_audience_is_told_a_window_for_a_person(policy: Policy, domain: str, decided: dt.date) -> None:
    row = penalty_row(decided, publication_end=decided + dt.timedelta(days=200))
    for kind, labelled in (("自然人", False), ("企业法人", True)):
        facts = records_service.facts_of(row, subject_kind=kind, domain=domain, policy=policy)
        for audience in Audience:
            d = decide(facts, audience, decided + dt.timedelta(days=10), policy, channels=True)
            said = " ".join([d.reason, *d.other_channels])
            if kind == "自然人":
                assert not _labelled(said), (audience, said)
                assert d.public_until is None
                assert d.other_channels == ()
        content, _e, end, _r = _compose(
            row, "张三", "某部门", notice_facts(policy, row, domain, None, kind), policy
        )
        text = "\n".join(content.paragraphs)
        assert _labelled(text) is labelled, text
        assert (end is not None) is labelled


def test_person_file_and_notices_carry_no_window(session: Session, policy: Policy, runtime: Runtime) -> None:
    keys = runtime.keys
    dept = department(session, "TZ-SCJG")
    ric = next_ric()
    someone = person(session, keys, id_card=ric)
    firm = enterprise(session, keys)
    today = D(2026, 6, 1)
    mine = rf.record(session, policy, someone, dept, decision_on=D(2026, 5, 10))
    theirs = rf.record(session, policy, firm, dept, decision_on=D(2026, 5, 10))
    rf.record(session, policy, someone, dept, decision_on=D(2026, 5, 12))  # issued by the batch below
    me = Principal(role=Role.SUBJECT, username="zhangsan", subject_id=someone.id)
    file = build_credit_file(session, keys, policy, me, ric, on=today)
    items = [i for s in file.sections for i in s.items]
    assert items
    for item in items:
        assert item.disclosure.public_until is None
        assert not _labelled(item.disclosure.reason)
        assert item.disclosure.other_channels == []
    single = issue_notice(session, policy, mine, actor="test")
    assert single is not None
    assert single.publication_end_on is None
    assert not _labelled(single.text)
    assert issue_notices_for_new_penalties(session, policy, limit=None) >= 1
    for notice in session.scalars(select(RepairNotice).where(RepairNotice.subject_id == someone.id)):
        assert notice.publication_end_on is None
        assert not _labelled(notice.text), notice.text
    # the control: an enterprise's notice states this platform's window
    other = issue_notice(session, policy, theirs, actor="test")
    assert other is not None
    assert other.publication_end_on == D(2027, 5, 10)
    assert "公示至 2027-05-10" in other.text
