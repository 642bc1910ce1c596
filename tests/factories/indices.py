"""Factories for the indices' tests: government bodies (政府机构) of a county."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from xinyong.kit.crypto import KeyRing
from xinyong.kit.ids import make_uscc
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.service import SubjectInput, build_subject

_seq = itertools.count(1)


def government(session: Session, keys: KeyRing, region: str) -> Subject:
    """Create a 政府机构 subject registered in ``region`` (a USCC of the 机关 register, kind 1)."""
    n = next(_seq)
    data = SubjectInput(
        name=f"测试{region}第{n}镇人民政府",
        kind=SubjectKind.GOVERNMENT,
        uscc=make_uscc("1", "1", region, f"GA{n:06d}"),
        region_code=region,
    )
    subject = build_subject(keys, data)
    session.add(subject)
    session.flush()
    return subject
