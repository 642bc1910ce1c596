"""The set-based repeat-violation lookup of the batch notices (a self-join) agrees with the one-record rule."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.queries import _repeat_violation, repeat_violations
from xinyong.runtime import Runtime

TEXTS = ("未按规定公示年度报告", "生产销售不合格产品", "无证经营")


def test_repeat_violations_match_the_one_record_rule(
    session: Session, policy: Policy, runtime: Runtime
) -> None:
    rng = random.Random(5)
    dept = fs.department(session, "TZ-SCJG")
    subjects = [fs.enterprise(session, runtime.keys) for _ in range(4)]
    records: list[CreditRecord] = []
    for n in range(60):
        s = subjects[n % 3]  # the fourth subject has none: its neighbours' records must not leak to it
        on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(40))  # many equal dates
        payload = {"CF_WFXW": rng.choice(TEXTS)} if n % 7 else {"CF_WFXW": ""}  # some without a text
        records.append(fr.record(session, policy, s, dept, decision_on=on, payload=payload))
    # a new version of a record (same key) decided later is not a repeat of the old one
    text = {"CF_WFXW": "超范围经营"}
    alone = fr.record(session, policy, subjects[0], dept, decision_on=dt.date(2026, 1, 5), payload=text)
    newer = fr.record(
        session, policy, subjects[0], dept, decision_on=dt.date(2026, 4, 5), payload=text, supersedes=alone
    )
    records += [alone, newer]
    records.append(
        fr.record(session, policy, subjects[3], dept, item="xzxk", decision_on=dt.date(2026, 3, 1))
    )
    session.flush()
    expected = {
        r.id: found
        for r in records
        if r.payload.get("CF_WFXW") and (found := _repeat_violation(session, policy, r))
    }
    assert len(expected) > 20  # the data has repeats to find
    assert alone.id not in expected
    assert repeat_violations(session, policy, records) == expected
    page = records[::5]  # a page: the later decisions it finds lie outside it
    assert repeat_violations(session, policy, page) == {
        r.id: expected[r.id] for r in page if r.id in expected
    }
