"""The demo step loads the synthetic registry through the services: filings, staff, events and reports,
licences and civil servants, and their sanctions as records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from xinyong.agencies.demo import seed_agencies
from xinyong.agencies.models import (
    AgencyPractitioner,
    AgencyReport,
    BodyHeadcount,
    CivilServant,
    CreditAgency,
    ProfessionalLicence,
)
from xinyong.kit.ids import make_uscc
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime
from xinyong.subjects.service import SubjectInput, build_subject
from xinyong.synth.agencies import OUT


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_demo_loads_the_synthetic_registry(session: Session, runtime: Runtime, tmp_path: Path) -> None:
    firm = fs.enterprise(session, runtime.keys)
    body_uscc = make_uscc("1", "1", "331002", "MB000888")
    session.add(build_subject(runtime.keys, SubjectInput(name="台州市演示局", uscc=body_uscc)))
    session.flush()
    day = (runtime.today() - dt.timedelta(days=100)).isoformat()
    person = {"name": "李从业", "id_card": fs.next_ric(), "qualification": "credit_manager"}
    doc = {
        "agencies": [
            {
                "uscc": make_uscc("9", "1", "331000", "MX000001"),
                "name": "台州演示信用评估有限公司",
                "legal_rep": "王五",
                "filing_no": "台信备〔2026〕1号",
                "filed_on": day,
                "filing_authority": "TZ-FGW",
                "business_scopes": ["rating"],
                "cancelled_on": None,
                "practitioners": [{**person, "certificate_no": None, "joined_on": day, "left_on": None}],
                "events": [
                    {
                        "event_type": "约谈",
                        "reason": "报告未核实",
                        "document_no": "台发改信监〔2026〕1号",
                        "decided_on": day,
                    }
                ],
                "reports": [
                    {
                        "subject_uscc": firm.uscc,
                        "report_no": "PJ1",
                        "title": "评级报告",
                        "purpose": "bidding",
                        "issued_on": day,
                        "sha256": "0" * 64,
                    }
                ],
            }
        ],
        "licences": [
            {
                "name": "周导游",
                "id_card": fs.next_ric(),
                "profession": "tour_guide",
                "licence_no": "DY1",
                "issuing_department": "文化和旅游主管部门",
                "issued_on": day,
                "valid_to": None,
                "sanction": {
                    "sanction_type": "暂停执业",
                    "reason": "强迫购物",
                    "document_no": "台职惩〔2026〕1号",
                    "decided_on": day,
                },
            }
        ],
        "civil_service": [
            {
                "body_uscc": body_uscc,
                "body_name": "台州市演示局",
                "headcount": 3,
                "reported_on": day,
                "servants": [
                    {
                        "name": "吴科员",
                        "id_card": fs.next_ric(),
                        "position": "科员",
                        "appointed_on": day,
                        "sanction": None,
                    }
                ],
            }
        ],
    }
    (tmp_path / OUT).parent.mkdir(parents=True)
    (tmp_path / OUT).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    lines = seed_agencies(runtime, tmp_path)
    assert "1 家备案机构" in lines[0]
    assert (
        _count(session, CreditAgency),
        _count(session, AgencyPractitioner),
        _count(session, AgencyReport),
    ) == (1, 1, 1)
    assert (
        _count(session, ProfessionalLicence),
        _count(session, CivilServant),
        _count(session, BodyHeadcount),
    ) == (1, 1, 1)
    items = session.scalars(
        select(CreditRecord.catalog_item).where(CreditRecord.catalog_item.in_(("xyfwjg", "xyfwbg", "zyrycj")))
    ).all()
    assert sorted(items) == ["xyfwbg", "xyfwjg", "zyrycj"]
    assert seed_agencies(runtime, tmp_path / "none") == []
