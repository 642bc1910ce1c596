"""A corrected or supplemented version of a record (更正/补充): a new row superseding the old one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.records.schemas import RecordVersionIn


def new_version(
    session: Session, policy: Policy, record: CreditRecord, changes: dict[str, Any], *, now: dt.datetime
) -> CreditRecord:
    """Write a corrected or supplemented version of a record (the old one stays, superseded)."""
    item = policy.catalog[record.catalog_item]
    names = {f.name for f in item.fields}
    unknown = sorted(set(changes) - names)
    if not changes or unknown:
        raise Invalid(
            f"更正/补充须给出目录项字段及新值（未知字段：{'、'.join(unknown) or '无'}）",
            code="objection.bad_changes",
        )
    payload = {**record.payload, **changes}
    latest = records_service.latest_version(session, record.record_key)
    version = (latest.version if latest is not None else 0) + 1

    def col(role: str, current: Any) -> Any:
        field = item.roles.get(role)  # type: ignore[call-overload]
        if field is None or field not in changes:
            return current
        value = changes[field]
        if role in ("decision_on", "valid_from", "valid_to") and value:
            return dt.date.fromisoformat(str(value)[:10])
        return value

    row = RecordVersionIn(
        record_key=record.record_key,
        catalog_item=record.catalog_item,
        catalog_version=item.version,
        subject_id=record.subject_id,
        department_id=record.department_id,
        document_no=col("document_no", record.document_no),
        decision_on=col("decision_on", record.decision_on),
        valid_from=col("valid_from", record.valid_from),
        valid_to=col("valid_to", record.valid_to),
        severity=record.severity,
        polarity=record.polarity,
        payload=payload,
        content_hash=records_service.payload_hash(payload),
        version=version,
        supersedes_id=record.id,
        batch_id=None,
        policy_hash=policy.hash,
    )
    return records_service.add_version(session, row, received_at=now)
