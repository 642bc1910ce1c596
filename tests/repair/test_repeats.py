"""The one-pass repeat violations of a batch (``repair.repeats``) agree with the one-record rule."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.queries import _repeat_violation
from xinyong.repair.repeats import batch_repeats
from xinyong.runtime import Runtime

TEXTS = ("未按规定公示年度报告", "生产销售不合格产品", "无证经营")


def _batch(session: Session, records: list[CreditRecord], batch_id: int) -> None:
    session.execute(
        update(CreditRecord).where(CreditRecord.id.in_([r.id for r in records])).values(batch_id=batch_id)
    )
    for r in records:
        session.refresh(r)


def test_batch_repeats_match_the_one_record_rule(session: Session, policy: Policy, runtime: Runtime) -> None:
    rng = random.Random(11)
    dept = fs.department(session, "TZ-SCJG")
    other_dept = fs.department(session, "TZ-HBJ")
    subjects = [fs.enterprise(session, runtime.keys) for _ in range(5)]
    records: list[CreditRecord] = []
    for n in range(150):
        s = subjects[n % 4]  # the fifth subject has none: its neighbours' records must not leak to it
        on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(30))  # many equal dates
        payload = {"CF_WFXW": rng.choice(TEXTS)} if n % 7 else {"CF_WFXW": ""}  # some without a text
        d = dept if n % 3 else other_dept
        records.append(fr.record(session, policy, s, d, decision_on=on, payload=payload))
    # new versions (same key): a later version is not a repeat of the old one, nor the old of the new;
    # two versions on one date with another record's decision beside them
    text = {"CF_WFXW": "超范围经营"}
    alone = fr.record(session, policy, subjects[0], dept, decision_on=dt.date(2026, 1, 5), payload=text)
    newer = fr.record(
        session, policy, subjects[0], dept, decision_on=dt.date(2026, 4, 5), payload=text, supersedes=alone
    )
    tied = fr.record(session, policy, subjects[0], dept, decision_on=dt.date(2026, 4, 5), payload=text)
    before = fr.record(session, policy, subjects[0], dept, decision_on=dt.date(2026, 3, 1), payload=text)
    records += [alone, newer, tied, before]
    # the earliest later decision is the record's own new version: the answer is the next one after it
    cases: dict[str, CreditRecord] = {}

    def rec(text: str, day: str, doc: str, supersedes: CreditRecord | None = None) -> CreditRecord:
        r = fr.record(
            session, policy, subjects[1], dept, decision_on=dt.date.fromisoformat(day),
            payload={"CF_WFXW": text}, document_no=doc, supersedes=supersedes,
        )  # fmt: skip
        records.append(r)
        return r

    cases["own version first"] = v = rec("甲", "2026-06-01", "甲1")
    rec("甲", "2026-06-10", "甲1", supersedes=v)
    rec("甲", "2026-06-20", "甲2")
    # a date shared by its own new version and another record, in both orders of their keys
    for word, mine, theirs in (("乙", "乙1", "乙2"), ("丙", "丙2", "丙1")):
        cases[f"shared date {word}"] = v = rec(word, "2026-07-01", mine)
        rec(word, "2026-07-10", mine, supersedes=v)
        rec(word, "2026-07-10", theirs)
    records.append(
        fr.record(session, policy, subjects[4], dept, item="xzxk", decision_on=dt.date(2026, 3, 1))
    )
    session.flush()
    # earlier batches hold some of the records: the later decisions found may lie outside the batch
    old, new = records[: len(records) // 3], records[len(records) // 3 :]
    _batch(session, old, 7)
    _batch(session, new, 8)
    # and a later batch: a decision it brings after the batch's own is a repeat too
    later = fr.record(
        session, policy, subjects[2], dept, decision_on=dt.date(2026, 12, 1), payload={"CF_WFXW": TEXTS[0]}
    )
    session.flush()
    _batch(session, [later], 9)
    expected = {
        r.id: found
        for r in new
        if r.catalog_item == "xzcf"
        and r.payload.get("CF_WFXW")
        and (found := _repeat_violation(session, policy, r))
    }
    assert len(expected) > 40  # the data has repeats to find
    assert before.id in expected  # the two records on 2026-04-05 follow it
    assert alone.id in expected  # its own newer version is not a repeat, but the other record is
    assert expected[alone.id] == dt.date(2026, 3, 1)
    assert {name: expected.get(r.id) for name, r in cases.items()} == {
        "own version first": dt.date(2026, 6, 20),
        "shared date 乙": dt.date(2026, 7, 10),
        "shared date 丙": dt.date(2026, 7, 10),
    }
    got = batch_repeats(session, policy, 8)
    assert dict(got.items()) == expected
    assert all(got.get(r.id) is None for r in old)  # records outside the batch get nothing
    assert got.get(10**12) is None
    assert {r.id for r in new if expected.get(r.id) == later.decision_on}  # found after the batch's range
    assert dict(batch_repeats(session, policy, 10).items()) == {}  # an empty batch
