"""Factories for subjects and departments."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.kit.crypto import KeyRing
from xinyong.kit.ids import make_ric, make_uscc
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.service import SubjectInput, build_subject

_seq = itertools.count(1)


def next_uscc(region: str = "331081", kind: str = "1") -> str:
    """Return a fresh valid enterprise USCC."""
    n = next(_seq)
    return make_uscc("9", kind, region, f"MA{n:06d}")


def next_ric(region: str = "331081", birth: dt.date = dt.date(1985, 6, 1)) -> str:
    """Return a fresh valid ID number."""
    return make_ric(region, birth, next(_seq) % 1000)


def enterprise(session: Session, keys: KeyRing, name: str | None = None, **kw: Any) -> Subject:
    """Create an enterprise subject."""
    uscc = str(kw.pop("uscc", next_uscc()))
    subject = build_subject(
        keys, SubjectInput(name=name or f"台州市测试{next(_seq)}有限公司", uscc=uscc, **kw)
    )
    session.add(subject)
    session.flush()
    return subject


def person(session: Session, keys: KeyRing, name: str = "张三", id_card: str | None = None) -> Subject:
    """Create a natural-person subject."""
    subject = build_subject(
        keys, SubjectInput(name=name, kind=SubjectKind.NATURAL_PERSON, id_card=id_card or next_ric())
    )
    session.add(subject)
    session.flush()
    return subject


def department(session: Session, code: str = "TZ-SCJG") -> Department:
    """Return a department, creating it if needed."""
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code, name=f"测试部门{code}", region_code="331000", domain="market_regulation")
        session.add(dept)
        session.flush()
    return dept
