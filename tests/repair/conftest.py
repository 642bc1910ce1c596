"""Fixtures of the workflow tests: a subject with a penalty, its department, callers and a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from tests.factories import repair as f
from tests.factories.subjects import enterprise
from xinyong.app_deps import request_now
from xinyong.auth.principal import Principal, Role
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject


@dataclass
class World:
    """A subject with a penalty from an environment department, and callers."""

    subject: Subject
    penalty: CreditRecord
    department_id: int
    other_department_id: int
    subject_p: Principal
    subject_h: dict[str, str]
    officer_p: Principal
    officer_h: dict[str, str]
    other_officer_h: dict[str, str]
    admin_p: Principal
    admin_h: dict[str, str]
    bank_h: dict[str, str]


@pytest.fixture
def world(session: Session, runtime: Runtime) -> World:
    subject = enterprise(session, runtime.keys, name="台州市测试修复有限公司")
    dept = f.department(session, "TZ-STHJ", "environment", "台州市生态环境局")
    other = f.department(session, "TZ-SW", "tax", "国家税务总局台州市税务局")
    f.department(session, "TZ-XYZX", "credit", "台州市公共信用信息中心")
    penalty = f.record(
        session, subject_id=subject.id, department_id=dept.id, decision_on=dt.date(2026, 5, 10)
    )
    sp, sh = f.api_key(session, Role.SUBJECT, subject_id=subject.id)
    op, oh = f.api_key(session, Role.OFFICER, department_id=dept.id)
    _, other_h = f.api_key(session, Role.OFFICER, department_id=other.id)
    ap, ah = f.api_key(session, Role.ADMIN)
    _, bh = f.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    session.commit()
    return World(subject, penalty, dept.id, other.id, sp, sh, op, oh, other_h, ap, ah, bh)


@pytest.fixture
def set_clock(app: FastAPI) -> Callable[[dt.datetime], None]:
    """Fix the request clock (UTC instant) for the app."""

    def setter(when: dt.datetime) -> None:
        app.dependency_overrides[request_now] = lambda: when

    setter(dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC))
    return setter


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    """Return 10:00 Asia/Shanghai of ``day`` as a UTC instant (02:00 UTC)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
