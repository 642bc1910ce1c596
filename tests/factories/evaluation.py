"""Factories for evaluation tests: credit records, status events and random synthetic populations."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.subjects.models import MEMBER_KINDS, Subject, SubjectKind

SUBJECT = cast(Table, Subject.__table__)
RECORD = cast(Table, CreditRecord.__table__)
EVENT = cast(Table, RecordEvent.__table__)

ITEMS = [
    "xzcf",
    "xzqz",
    "jyycml",
    "yzsxmd",
    "sxbzxr",
    "qs",
    "sbqj",
    "htly",
    "sfpj",
    "sxjl",
    "xzxk",
    "xycn",
    "xypj",
]
POLARITY = {"sxjl": "positive", "xzxk": "neutral", "xycn": "neutral", "xypj": "neutral"}
# payload values the models' record tags read (``tag_fields``): a commitment's status, an evaluation's result
TAG_VALUES = {
    "xycn": {"CN_LYZT": ["全部履行", "履约中", "未履行", "部分履行", None]},
    "xypj": {"PJ_LX": ["纳税信用等级评价", "企业环境信用评价", None], "PJ_JG": ["A", "B", "M", "绿色", None]},
}
AMOUNT_FIELD = {"qs": "QS_JE", "sbqj": "SB_JE", "htly": "HT_JE", "xzcf": "CF_NR_FK"}
LIST_END_FIELD = {"sxbzxr": "SX_PBRQ", "yzsxmd": "MD_YCRQ", "jyycml": "YC_YCRQ"}
# pairs recorded on one day: the order they were recorded decides (objection closed, then reopened …)
SAME_DAY = [
    ("objection_opened", "objection_closed"),
    ("objection_closed", "objection_opened"),
    ("suspended", "unsuspended"),
    ("unsuspended", "suspended"),
]
SEVERITIES = ["轻微", "一般", "严重", None]
EVENT_KINDS = [
    "objection_opened",
    "objection_closed",
    "repaired",
    "disclosure_stopped",
    "list_removed",
    "deleted",
    "suspended",
    "unsuspended",
]
REGIONS = ["331002", "331003", "331004", "331081", "331082", "331083", "331021", "331022", None]
INDUSTRIES = ["制造业", "批发和零售业", "建筑业", "住宿和餐饮业", None]


def record(
    session: Session,
    subject: Subject,
    department_id: int,
    item: str,
    decision_on: dt.date,
    *,
    severity: str | None = "一般",
    valid_to: dt.date | None = None,
    payload: dict[str, Any] | None = None,
    supersedes_id: int | None = None,
) -> CreditRecord:
    """Create a credit record for ``subject``."""
    key = hashlib.sha256(f"{subject.id}:{item}:{decision_on}:{random.random()}".encode()).hexdigest()
    row = CreditRecord(
        record_key=key,
        catalog_item=item,
        catalog_version="2024.1",
        subject_id=subject.id,
        department_id=department_id,
        document_no=f"台测〔{decision_on.year}〕{key[:6]}号",
        decision_on=decision_on,
        valid_from=decision_on,
        valid_to=valid_to,
        severity=severity,
        polarity=POLARITY.get(item, "negative"),
        payload=payload or {},
        content_hash=key,
        supersedes_id=supersedes_id,
    )
    session.add(row)
    session.flush()
    return row


def event(session: Session, rec: CreditRecord, kind: str, on: dt.date) -> RecordEvent:
    """Append a status event to a record."""
    row = RecordEvent(record_id=rec.id, kind=kind, effective_on=on, actor="test")
    session.add(row)
    session.flush()
    return row


@dataclass
class Population:
    """How many rows a random population inserted."""

    subject_ids: list[int]
    records: int
    events: int


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def random_population(
    session: Session,
    department_id: int,
    *,
    seed: int,
    subjects: int,
    records_per_subject: float = 4.0,
    edges: tuple[dt.date, ...] = (),
) -> Population:
    """Insert ``subjects`` random subjects with records and events chosen to hit every rule's edges.

    ``edges`` are dates (window and retention cut-offs) around which decision and event dates cluster.
    """
    rng = random.Random(seed)
    near = [e + dt.timedelta(days=d) for e in edges for d in (-1, 0, 1)]

    def pick(start: dt.date, end: dt.date) -> dt.date:
        if near and rng.random() < 0.25:
            return rng.choice(near)
        return _day(rng, start, end)

    kinds = [k.value for k in SubjectKind if k not in MEMBER_KINDS]  # a household is rated, not scored
    subject_rows = []
    for i in range(subjects):
        kind = rng.choice(kinds)
        established = None if rng.random() < 0.15 else pick(dt.date(1995, 1, 1), dt.date(2026, 12, 31))
        subject_rows.append(
            {
                "kind": kind,
                "name": f"随机主体{seed}-{i}",
                "name_norm": f"随机主体{seed}-{i}",
                "region_code": rng.choice(REGIONS),
                "industry": rng.choice(INDUSTRIES),
                "established_on": established,
                "status": "存续",
            }
        )
    conn = session.connection()
    ids = [int(r[0]) for r in conn.execute(insert(SUBJECT).returning(SUBJECT.c.id), subject_rows).all()]
    record_rows: list[dict[str, Any]] = []
    for sid in ids:
        for _ in range(int(rng.expovariate(1 / records_per_subject))):
            item = rng.choice(ITEMS)
            decided = None if rng.random() < 0.02 else pick(dt.date(2018, 1, 1), dt.date(2027, 2, 1))
            valid_to = None if rng.random() < 0.5 else pick(dt.date(2020, 1, 1), dt.date(2029, 1, 1))
            payload: dict[str, Any] = {}
            if item in AMOUNT_FIELD and rng.random() < 0.9:
                payload[AMOUNT_FIELD[item]] = rng.choice(
                    [0, 0.005, 0.01, 0.5, 1, 3.3, 9.99, 10, 49.5, 60, 120]
                )
            if item == "xzcf" and rng.random() < 0.3:
                payload["CF_NR_WFFF"] = str(rng.choice([0.2, 1.5, 40]))
            if item == "sfpj" and rng.random() < 0.4:
                payload["PJ_XQJSRQ"] = pick(dt.date(2019, 1, 1), dt.date(2026, 1, 1)).isoformat()
            for name, values in TAG_VALUES.get(item, {}).items():
                value = rng.choice(values)
                if value is not None:
                    payload[name] = value
            if item in LIST_END_FIELD and rng.random() < 0.6:  # list entries that expire (or not yet)
                payload[LIST_END_FIELD[item]] = pick(dt.date(2019, 1, 1), dt.date(2028, 1, 1)).isoformat()
            key = f"{seed}-{sid}-{len(record_rows)}"
            record_rows.append(
                {
                    "record_key": key,
                    "catalog_item": item,
                    "catalog_version": "2024.1",
                    "subject_id": sid,
                    "department_id": department_id,
                    "document_no": key,
                    "decision_on": decided,
                    "valid_from": decided,
                    "valid_to": valid_to,
                    "severity": rng.choice(SEVERITIES),
                    "polarity": POLARITY.get(item, "negative"),
                    "payload": payload,
                    "content_hash": key,
                    "version": 1,
                }
            )
    rec_ids = (
        [int(r[0]) for r in conn.execute(insert(RECORD).returning(RECORD.c.id), record_rows).all()]
        if record_rows
        else []
    )
    # corrections: a later version supersedes an earlier record of the same subject
    by_subject: dict[int, list[int]] = {}
    for rid, row in zip(rec_ids, record_rows, strict=True):
        by_subject.setdefault(int(row["subject_id"]), []).append(rid)
    for rids in by_subject.values():
        if len(rids) >= 2 and rng.random() < 0.1:
            conn.execute(RECORD.update().where(RECORD.c.id == rids[-1]).values(supersedes_id=rids[0]))
    event_rows = []
    for rid in rec_ids:
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            event_rows.append(
                {
                    "record_id": rid,
                    "kind": rng.choice(EVENT_KINDS),
                    "effective_on": pick(dt.date(2019, 1, 1), dt.date(2027, 1, 1)),
                    "detail": {},
                    "actor": "test",
                }
            )
        if rng.random() < 0.05:
            on = pick(dt.date(2019, 1, 1), dt.date(2027, 1, 1))
            for kind in rng.choice(SAME_DAY):
                event_rows.append(
                    {"record_id": rid, "kind": kind, "effective_on": on, "detail": {}, "actor": "test"}
                )
    if event_rows:
        conn.execute(insert(EVENT), event_rows)
    return Population(ids, len(record_rows), len(event_rows))
