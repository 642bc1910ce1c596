"""The one writer of record versions: typed rows, one at a time or in bulk, read back as the ORM wrote them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.records.schemas import RecordVersionIn
from xinyong.runtime import Runtime

AT = dt.datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


def _row(subject_id: int, department_id: int, policy: Policy, **changes: Any) -> RecordVersionIn:
    payload = {"CF_WSH": "台测〔2026〕9号", "CF_CFLB": ["罚款"]}
    row = RecordVersionIn(
        record_key="k-writes",
        catalog_item="xzcf",
        catalog_version=policy.catalog["xzcf"].version,
        subject_id=subject_id,
        department_id=department_id,
        document_no="台测〔2026〕9号",
        decision_on=dt.date(2026, 6, 1),
        valid_from=dt.date(2026, 6, 2),
        valid_to=None,
        severity="一般",
        polarity="negative",
        payload=payload,
        content_hash=records_service.payload_hash(payload),
        policy_hash=policy.hash,
    )
    return row._replace(**changes)


def test_bulk_versions_read_back_like_orm_writes(session: Session, runtime: Runtime, policy: Policy) -> None:
    subject = fs.enterprise(session, runtime.keys)
    dept = fs.department(session, "TZ-SCJG")
    first = _row(subject.id, dept.id, policy)
    # the second version's predecessor is in the same call: the writer finds its id
    second = _row(subject.id, dept.id, policy, version=2, payload='{"CF_WSH": "更正"}', content_hash="h2")
    third = _row(subject.id, dept.id, policy, version=3, payload={"CF_WSH": "再更正"}, content_hash="h3")
    records_service.add_versions(session, [third, second, first], received_at=AT)
    session.expire_all()
    rows = session.scalars(
        select(CreditRecord).where(CreditRecord.record_key == "k-writes").order_by(CreditRecord.version)
    ).all()
    assert [r.version for r in rows] == [1, 2, 3]
    assert [r.supersedes_id for r in rows] == [None, rows[0].id, rows[1].id]
    assert rows[0].decision_on == dt.date(2026, 6, 1)
    assert rows[0].valid_from == dt.date(2026, 6, 2)
    assert rows[0].first_received_at == AT
    assert rows[2].last_received_at == AT
    assert rows[0].payload == {"CF_WSH": "台测〔2026〕9号", "CF_CFLB": ["罚款"]}
    assert rows[1].payload == {"CF_WSH": "更正"}
    assert rows[2].payload == {"CF_WSH": "再更正"}
    assert records_service.latest_versions(session, ["k-writes", "absent"]) == {
        "k-writes": (rows[2].id, 3, "h3")
    }
    latest = records_service.latest_version(session, "k-writes")
    assert latest is not None
    assert latest.id == rows[2].id


def test_one_version_supersedes_the_one_before(session: Session, runtime: Runtime, policy: Policy) -> None:
    subject = fs.enterprise(session, runtime.keys)
    dept = fs.department(session, "TZ-SCJG")
    first = records_service.add_version(session, _row(subject.id, dept.id, policy), received_at=AT)
    second = records_service.add_version(
        session, _row(subject.id, dept.id, policy, version=2, payload='{"CF_WSH": "更正"}')
    )
    assert first.first_received_at == AT
    assert second.supersedes_id == first.id
    assert second.payload == {"CF_WSH": "更正"}
    assert second.first_received_at is not None
    assert second.first_received_at != AT
