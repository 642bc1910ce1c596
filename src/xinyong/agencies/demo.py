"""Demo step: the synthetic registry (``agencies/registry.json`` of ``xinyong synth``) loaded through the
services — agencies with practitioners, supervision events and filed reports; licensed professionals and
civil servants with their bodies' headcounts and a few sanctions, every record through the records service."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xinyong.agencies import service
from xinyong.agencies.schemas import (
    AgencyIn,
    CancelIn,
    CivilServantIn,
    EventIn,
    HeadcountIn,
    LeaveIn,
    LicenceIn,
    PractitionerIn,
    ReportIn,
    SanctionIn,
)
from xinyong.auth.principal import Principal, Role
from xinyong.db import session_scope
from xinyong.runtime import Runtime
from xinyong.synth.agencies import OUT

CENTRE = Principal(role=Role.ADMIN, username="demo-centre", organisation="台州市公共信用信息中心")


def _agency(session: Session, runtime: Runtime, entry: dict[str, Any], on: dt.date) -> int:
    """File one agency with its staff, events and reports; return the number of records written."""
    policy, keys = runtime.policy, runtime.keys
    row = service.register(session, policy, keys, CENTRE, AgencyIn.model_validate(entry), on=on)
    for p in entry["practitioners"]:
        staff = service.add_practitioner(
            session, policy, keys, CENTRE, row.id, PractitionerIn.model_validate(p), on=on
        )
        if p["left_on"]:
            service.leave(session, policy, CENTRE, staff.id, LeaveIn(left_on=p["left_on"]), on=on)
    for e in entry["events"]:
        service.record_event(session, policy, CENTRE, row.id, EventIn.model_validate(e), on=on)
    own = Principal(role=Role.SUBJECT, username=f"demo-agency-{row.id}", subject_id=row.subject_id)
    for r in entry["reports"]:
        body = ReportIn.model_validate({**r, "subject_code": r["subject_uscc"]})
        service.file_report(session, policy, keys, own, row.id, body, on=on)
    if entry["cancelled_on"]:
        cancel = CancelIn(cancelled_on=entry["cancelled_on"], reason=entry["cancel_reason"])
        service.cancel(session, policy, CENTRE, row.id, cancel, on=on)
    return len(entry["events"]) + len(entry["reports"])


def _people(session: Session, runtime: Runtime, doc: dict[str, Any], on: dt.date) -> int:
    """Register the licences and civil servants (with headcounts); return the sanctions written."""
    policy, keys = runtime.policy, runtime.keys
    written = 0
    for lic in doc["licences"]:
        row = service.register_licence(session, policy, keys, CENTRE, LicenceIn.model_validate(lic), on=on)
        if lic["sanction"]:
            service.sanction_licence(
                session, policy, CENTRE, row.id, SanctionIn.model_validate(lic["sanction"]), on=on
            )
            written += 1
    for body in doc["civil_service"]:
        declared = HeadcountIn(
            body_uscc=body["body_uscc"], headcount=body["headcount"], reported_on=body["reported_on"]
        )
        service.report_headcount(session, keys, CENTRE, declared)
        for s in body["servants"]:
            post = CivilServantIn.model_validate({**s, "body_uscc": body["body_uscc"]})
            seat = service.register_civil_servant(session, policy, keys, CENTRE, post, on=on)
            if s["sanction"]:
                service.sanction_civil_servant(
                    session, policy, CENTRE, seat.id, SanctionIn.model_validate(s["sanction"]), on=on
                )
                written += 1
    return written


def seed_agencies(runtime: Runtime, synth_dir: Path) -> list[str]:
    """Load the synthetic registry once (the demo loads a fresh database only)."""
    path = synth_dir / OUT
    if not path.exists():
        return []
    doc = json.loads(path.read_text("utf-8"))
    on = runtime.today()
    with session_scope(runtime.sessions) as session:
        records = sum(_agency(session, runtime, a, on) for a in doc["agencies"])
        sanctions = _people(session, runtime, doc, on)
    servants = sum(len(b["servants"]) for b in doc["civil_service"])
    return [
        f"信用服务机构：{len(doc['agencies'])} 家备案机构，{records} 条监管事件与报告备案记录；"
        f"重点职业人群 {len(doc['licences'])} 人、公务员 {servants} 人，{sanctions} 条惩戒记录"
    ]
