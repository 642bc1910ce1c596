"""两书同达: a repair notice is generated with each new penalty or listing record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import repair as f
from tests.repair.conftest import World
from xinyong.policy.loader import Policy
from xinyong.repair.models import RepairNotice
from xinyong.repair.notice_batch import issue_notices_for_new_penalties
from xinyong.runtime import Runtime


def test_notices_for_new_batch(session: Session, policy: Policy, world: World) -> None:
    fine = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        decision_on=dt.date(2026, 5, 10),
    )
    samr = f.department(session, "TZ-SCJG", "market_regulation", "台州市市场监督管理局")
    revoked = f.record(
        session,
        subject_id=world.subject.id,
        department_id=samr.id,
        batch_id=7,
        decision_on=dt.date(2026, 5, 10),
        payload={"CF_WSH": "台市监罚〔2026〕99号", "CF_CFLB": ["吊销许可证件"], "CF_WFXW": "x"},
    )
    listing = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        catalog_item="yzsxmd",
        decision_on=dt.date(2026, 2, 1),
    )
    licence = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        catalog_item="xzxk",
        polarity="neutral",
        payload={"XK_WSH": "许可1"},
    )
    assert issue_notices_for_new_penalties(session, policy, since_batch_id=6) == 3
    assert issue_notices_for_new_penalties(session, policy, since_batch_id=6) == 0  # once per record
    notices = {n.record_id: n for n in session.scalars(select(RepairNotice))}
    assert licence.id not in notices
    assert world.penalty.id not in notices
    n = notices[fine.id]
    assert n.earliest_repair_on == dt.date(2026, 8, 10)
    assert n.publication_end_on == dt.date(2027, 5, 10)
    assert "信用修复告知书" in n.text
    assert "2026-08-10" in n.text
    assert "不收取任何费用" in n.text
    assert "台州市生态环境局" in n.text
    assert "<h1>信用修复告知书</h1>" in n.html
    assert notices[revoked.id].earliest_repair_on is None
    assert "不得提前停止公示" in notices[revoked.id].text
    assert notices[listing.id].earliest_repair_on == dt.date(2027, 2, 1)


def test_notice_api(client: TestClient, world: World, set_clock: Callable) -> None:
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-notice", headers=world.subject_h)
    assert r.status_code == 200
    assert r.json()["earliest_repair_on"] == "2026-08-10"
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-notice?format=html", headers=world.subject_h)
    assert r.headers["content-type"].startswith("text/html")
    assert "信用修复告知书" in r.text
    assert (
        client.get(f"/api/v1/records/{world.penalty.id}/repair-notice", headers=world.bank_h).status_code
        == 403
    )


def test_demo_step_issues_notices(runtime: Runtime, world: World) -> None:
    from xinyong.repair.demo import issue_notices

    lines = issue_notices(runtime, runtime.settings.var_dir)
    assert "1 份" in lines[0]


def test_fine_counts_only_through_its_interval(policy: Policy) -> None:
    """The batch assesses one fine per interval between the policy's cut points: the same window."""
    from xinyong.repair.eligibility import assess
    from xinyong.rules.facts import RecordFacts
    from xinyong.rules.windows import fine_class, fine_cuts

    cuts = fine_cuts(policy)
    assert cuts == tuple(sorted(cuts))
    assert len(cuts) >= 2
    fines = [0.0, 0.001, 1e9, *(c + d for c in cuts for d in (-0.01, -1e-9, 0.0, 1e-9, 0.01))]
    kinds = [("罚款",), ("警告",), ("通报批评",), ("罚款", "没收违法所得"), ("吊销许可证件",), ()]
    for domain in (None, "market_regulation", "environment"):
        for types in kinds:
            for severity in (None, "一般"):
                for fine in fines:
                    raw = RecordFacts(
                        catalog_item="xzcf",
                        polarity="negative",
                        decision_on=dt.date(2026, 5, 10),
                        domain=domain,
                        severity=severity,
                        penalty_types=types,
                        fine_wan=fine,
                    )
                    canon = dataclasses.replace(raw, fine_wan=fine_class(cuts, fine))
                    a, b = assess(raw, raw.decision_on, policy), assess(canon, raw.decision_on, policy)  # type: ignore[arg-type]
                    seen = [
                        (v.codes, v.earliest_on, v.publication_end, v.regime_id, v.severity) for v in (a, b)
                    ]
                    assert seen[0] == seen[1], (domain, types, severity, fine)
    assert fine_class(cuts, None) is None


def test_notices_are_narrow_rows_with_shared_bodies(session: Session, policy: Policy, world: World) -> None:
    """Two penalties with the same facts share one stored body; the text is rendered when viewed."""
    from xinyong.repair.models import RepairNoticeBody

    for n in (1, 2):
        f.record(
            session,
            subject_id=world.subject.id,
            department_id=world.department_id,
            batch_id=9,
            decision_on=dt.date(2026, 6, 1),
            payload={
                "CF_WSH": f"台环罚〔2026〕{n}号",
                "CF_CFLB": "罚款",
                "CF_NR_FK": "0.5",
                "CF_WFXW": f"违法{n}",
            },
        )
    assert issue_notices_for_new_penalties(session, policy, batch_id=9) == 2
    notices = session.scalars(select(RepairNotice).where(RepairNotice.batch_id == 9)).all()
    assert len({n.body_id for n in notices}) == 1
    assert (session.scalar(select(func.count()).select_from(RepairNoticeBody)) or 0) >= 1
    texts = sorted(n.text for n in notices)
    assert "台环罚〔2026〕1号" in texts[0]
    assert "台环罚〔2026〕2号" in texts[1]
    assert texts[0].replace("1号", "2号") == texts[1]
    assert notices[0].stored_text is None
    assert notices[0].sha256 == hashlib.sha256(notices[0].text.encode("utf-8")).hexdigest()


def test_notice_depends_on_a_repeat_violation_only_through_its_existence(policy: Policy) -> None:
    """The batch keys notices on whether a repeat violation follows, not on its date: same wording."""
    from types import SimpleNamespace

    from xinyong.repair.notices import _compose
    from xinyong.rules.facts import RecordFacts

    record = SimpleNamespace(decision_on=dt.date(2026, 3, 2), document_no="x", record_key="k")
    for domain in ("market_regulation", "environment", None):
        for types in (("罚款",), ("警告",), ("吊销许可证件",)):
            composed = []
            for repeat in (dt.date(2026, 4, 1), dt.date(2027, 1, 9), dt.date(2030, 12, 31)):
                facts = RecordFacts(
                    catalog_item="xzcf",
                    polarity="negative",
                    decision_on=record.decision_on,
                    domain=domain,
                    penalty_types=types,
                    fine_wan=0.5,
                    repeat_violation_on=repeat,
                )
                composed.append(_compose(record, "甲", "乙局", facts, policy))
            assert composed[0] == composed[1] == composed[2]
            if domain == "market_regulation" and types == ("罚款",):  # where the rule applies at all
                none = dataclasses.replace(facts, repeat_violation_on=None)
                assert _compose(record, "甲", "乙局", none, policy) != composed[0]
