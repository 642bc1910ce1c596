"""Data for the page tests: departments, subjects with public and non-public records, and accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import subjects as subject_factory
from xinyong.agencies import service as agencies_service
from xinyong.agencies.schemas import AgencyIn, EventIn, PractitionerIn
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Principal, Role
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.subjects.models import Subject

PASSWORD = "Xinyong-测试-2026"


@dataclass
class Seeded:
    """What the seed created, for the tests to refer to."""

    firm: Subject
    other: Subject
    person: Subject
    penalty: CreditRecord
    licence: CreditRecord
    blacklist: CreditRecord
    shared: CreditRecord
    department: Department
    accounts: dict[str, str]


def record(
    session: Session,
    subject: Subject,
    department: Department,
    item: str,
    document_no: str,
    decision_on: dt.date,
    payload: dict[str, Any],
    *,
    polarity: str = "negative",
    severity: str | None = None,
    valid_to: dt.date | None = None,
    batch_id: int | None = None,
) -> CreditRecord:
    """Create one current credit record."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    row = CreditRecord(
        record_key=hashlib.sha256(
            f"{item}|{department.code}|{document_no}|{subject.id}".encode()
        ).hexdigest()[:64],
        catalog_item=item,
        catalog_version="2024.1",
        subject_id=subject.id,
        department_id=department.id,
        document_no=document_no,
        decision_on=decision_on,
        valid_from=decision_on,
        valid_to=valid_to,
        severity=severity,
        polarity=polarity,
        payload=payload,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        batch_id=batch_id,
    )
    session.add(row)
    session.flush()
    return row


def _agency(session: Session, keys: KeyRing, policy: Policy, today: dt.date) -> None:
    """A filed credit service agency with a practitioner and a supervision event (issue 19 point 7)."""
    admin = Principal(role=Role.ADMIN, username="seed")
    filing = AgencyIn(
        uscc=subject_factory.next_uscc("331002"),
        name="台州诚信评估咨询有限公司",
        filing_no="台信备〔2026〕1号",
        filed_on=today - dt.timedelta(days=90),
        filing_authority="TZ-FGW",
        business_scopes=["rating", "consulting"],
    )
    row = agencies_service.register(session, policy, keys, admin, filing, on=today)
    staff = PractitionerIn(
        name="钱从业",
        id_card=subject_factory.next_ric(),
        qualification="credit_manager",
        joined_on=filing.filed_on,
    )
    agencies_service.add_practitioner(session, policy, keys, admin, row.id, staff, on=today)
    event = EventIn(
        event_type="约谈", reason="报告未核实信息来源", document_no="台发改信约〔2026〕1号", decided_on=today
    )
    agencies_service.record_event(session, policy, admin, row.id, event, on=today)


def seed(session: Session, keys: KeyRing, policy: Policy) -> Seeded:
    """Load a small, varied data set."""
    departments_service.sync_from_policy(session, policy, actor="system:test", on=dt.date(2026, 1, 1))
    dept = session.scalar(select(Department).where(Department.code == "TZ-SCJG"))
    assert dept is not None
    firm = subject_factory.enterprise(
        session, keys, name="台州宏达机械制造有限公司", legal_rep="王建国", industry="通用设备制造业"
    )
    other = subject_factory.enterprise(session, keys, name="温岭市宏达鞋业有限公司", legal_rep="李明")
    person = subject_factory.person(session, keys, name="张三")
    today = dt.datetime.now(dt.UTC).date()
    penalty = record(
        session,
        firm,
        dept,
        "xzcf",
        "台市监处罚〔2026〕101号",
        today - dt.timedelta(days=200),
        {
            "CF_WFXW": "未按规定公示年度报告",
            "CF_NR": "罚款人民币叁万元",
            "CF_CFLB": ["罚款"],
            "CF_NR_FK": 3.0,
            "CF_SY": "逾期未公示2025年度报告",
            "CF_YJ": "《企业信息公示暂行条例》第十八条",
        },
        severity="一般",
        valid_to=today + dt.timedelta(days=900),
        batch_id=1,
    )
    licence = record(
        session,
        firm,
        dept,
        "xzxk",
        "台市监许〔2026〕55号",
        today - dt.timedelta(days=100),
        {"XK_XKWS": "食品经营许可证", "XK_NR": "预包装食品销售"},
        polarity="positive",
        valid_to=today + dt.timedelta(days=1500),
        batch_id=1,
    )
    blacklist = record(
        session,
        other,
        dept,
        "yzsxmd",
        "台市监列严〔2026〕3号",
        today - dt.timedelta(days=60),
        {"MD_LX": "严重违法失信名单", "MD_LRYY": "提交虚假材料取得登记", "MD_RDJG": "台州市市场监督管理局"},
        batch_id=2,
    )
    shared = record(
        session,
        firm,
        dept,
        "qs",
        "台税欠〔2026〕9号",
        today - dt.timedelta(days=30),
        {"QS_JE": 12.5},
        batch_id=2,
    )
    record(
        session,
        person,
        dept,
        "xzcf",
        "台市监处罚〔2026〕202号",
        today - dt.timedelta(days=20),
        {"CF_WFXW": "无照经营", "CF_NR": "警告", "CF_CFLB": ["警告"]},
        severity="轻微",
        batch_id=2,
    )
    objection = RecordEvent(
        record_id=penalty.id,
        kind=RecordEventKind.OBJECTION_OPENED,
        effective_on=today,
        actor="subject:test",
        reason="处罚决定日期有误",
    )
    session.add(objection)
    _agency(session, keys, policy, today)
    accounts = {}
    for username, role, extra in (
        ("hongda", Role.SUBJECT, {"subject_id": firm.id, "organisation": firm.name}),
        (
            "scjg-officer",
            Role.OFFICER,
            {"department_id": dept.id, "region_code": "331000", "organisation": dept.name},
        ),
        ("centre-admin", Role.ADMIN, {"organisation": "台州市信用中心"}),
        (
            "city-supervisor",
            Role.SUPERVISOR,
            {"region_code": "331000", "organisation": "台州市发展和改革委员会"},
        ),
        ("city-auditor", Role.AUDITOR, {"organisation": "台州市审计局"}),
        ("city-bank", Role.BANK, {"organisation": "台州银行"}),
        ("person-self", Role.SUBJECT, {"subject_id": person.id}),
    ):
        auth_service.create_account(
            session,
            actor="system:test",
            username=username,
            password=PASSWORD,
            role=role,
            **extra,
        )
        accounts[username] = PASSWORD
    session.flush()
    return Seeded(firm, other, person, penalty, licence, blacklist, shared, dept, accounts)
