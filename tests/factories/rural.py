"""Factories for rural credit: a village collective registered as a village, a household with members."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlalchemy.orm import Session

from xinyong.kit.crypto import KeyRing
from xinyong.kit.ids import make_uscc
from xinyong.rural import service
from xinyong.subjects.models import Subject
from xinyong.subjects.service import SubjectInput, build_subject

_seq = itertools.count(1)


def village(
    session: Session,
    keys: KeyRing,
    *,
    region: str = "331081",
    township: str = "城东街道",
    kind: str = "village",
) -> Subject:
    """Create a village collective (N2 USCC) and register it as a village of ``township``."""
    n = next(_seq)
    uscc = make_uscc("N", "2", region, f"MF{n:06d}")
    collective = build_subject(keys, SubjectInput(name=f"{township}测试{n}村股份经济合作社", uscc=uscc))
    session.add(collective)
    session.flush()
    service.register_village(session, uscc=uscc, township=township, unit_kind=kind, actor="test:factory")
    return collective


def household(
    session: Session, keys: KeyRing, village_id: int, members: Sequence[tuple[str, str]], name: str = "测试户"
) -> Subject:
    """Register a household of ``members`` ((ID number, name), the first the 户主)."""
    people = [
        service.MemberIn(id_card, person_name, "户主" if i == 0 else "配偶" if i == 1 else "子女")
        for i, (id_card, person_name) in enumerate(members)
    ]
    return service.register_household(
        session, keys, village_id=village_id, name=name, members=people, actor="test:factory"
    )
