"""Townships (乡镇、街道): the stable code each is known by, and renaming one without losing its history.

A township is not a subject; it is the registered place of its villages. Its key is a code built as the
statistical division codes are — the county code and three digits (``331002001``) — stored on each of its
villages. A villages file may give the code (``township_code``); otherwise the first village of a new
township in a county takes the county's next number, and later villages with the same name join it. The
indices and the rating results name a township by this code, so a rename (``rename_township``) changes
its name everywhere and keeps its key, its ranking history and its drill-down links.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.errors import Invalid, NotFound
from xinyong.rural.models import RuralVillage
from xinyong.subjects.models import Subject

_CODE = re.compile(r"^\d{9}$")


def code_for(session: Session, region_code: str, name: str, given: str | None = None) -> str:
    """Return the code of the township ``name`` of a county: the given one, the registered one, or the next."""
    if given:
        if not _CODE.match(given) or not given.startswith(region_code):
            raise Invalid(
                "乡镇代码须为所属县（市、区）代码加三位数字，共九位", code="rural.bad_township_code"
            )
        return given
    in_county = select(RuralVillage.township_code).join(Subject, Subject.id == RuralVillage.subject_id)
    in_county = in_county.where(Subject.region_code == region_code)
    known = session.scalar(in_county.where(RuralVillage.township == name).limit(1))
    if known is not None:
        return known
    highest = session.scalar(
        select(func.max(RuralVillage.township_code)).where(RuralVillage.township_code.like(f"{region_code}%"))
    )
    number = int(highest[len(region_code) :]) + 1 if highest else 1
    if number > 999:
        raise Invalid("该县（市、区）的乡镇代码已用尽", code="rural.township_codes_exhausted")
    return f"{region_code}{number:03d}"


def rename_township(session: Session, code: str, name: str, *, actor: str) -> int:
    """Rename the township ``code`` on every one of its villages; return how many villages were renamed."""
    name = name.strip()
    if not name or len(name) > 64:
        raise Invalid("乡镇名称不能为空，且不超过 64 字", code="rural.bad_township_name")
    old = session.scalar(select(RuralVillage.township).where(RuralVillage.township_code == code).limit(1))
    if old is None:
        raise NotFound("未找到该乡镇", code="rural.township_not_found")
    result = session.execute(
        update(RuralVillage).where(RuralVillage.township_code == code).values(township=name)
    )
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="rural.township_renamed",
        object_type="township",
        object_id=code,
        detail={"from": old, "to": name},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
