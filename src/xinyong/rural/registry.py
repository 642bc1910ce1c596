"""Register villages and households and attach members: the only writer of the rural tables' registry.

A member is attached by ID number, which is turned into the subjects' blind index at once (the same
``subjects.service.identifier_lookup`` every personal identifier goes through) and masked for display;
the number itself is never stored. Every change writes its audit row; the caller commits.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.errors import Conflict, Invalid, NotFound
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.rural import townships
from xinyong.rural.models import RuralHousehold, RuralMember, RuralVillage
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import IdentifierScheme, Subject, SubjectKind

RELATIONS = ("户主", "配偶", "子女", "父母", "兄弟姐妹", "孙子女", "其他")
UNIT_KINDS = {"village": "村", "community": "社区"}
VILLAGE_COLUMNS = ("uscc", "township", "unit_kind")
HOUSEHOLD_COLUMNS = ("household", "village_uscc", "name", "member_id_card", "member_name", "relation")


@dataclass(frozen=True)
class MemberIn:
    """A member to attach: the ID number (turned into a blind index at once), the name and the relation."""

    id_card: str
    name: str
    relation: str


def _lookup(keys: KeyRing, id_card: str) -> tuple[str, str]:
    """Return (blind index, masked number) of an ID number, or refuse an invalid one."""
    try:
        normalised = ids.validate_ric(id_card)
    except ids.IdentifierError as exc:
        raise Invalid("身份证号码无效", code="rural.bad_id_card") from exc
    return subjects_service.identifier_lookup(keys, IdentifierScheme.ID_CARD, normalised), ids.mask_ric(
        normalised
    )


def register_village(
    session: Session,
    *,
    uscc: str,
    township: str,
    unit_kind: str,
    actor: str,
    township_code: str | None = None,
) -> RuralVillage:
    """Register a village collective (N2 USCC, already a subject) with its township; idempotent.

    The township's code is the given one, else the one its name already has in the county, else the next
    (``rural.townships.code_for``).
    """
    if unit_kind not in UNIT_KINDS:
        raise Invalid(f"村（社区）类别须为 {'、'.join(UNIT_KINDS)} 之一", code="rural.bad_unit_kind")
    subject = session.scalar(select(Subject).where(Subject.uscc == ids.normalize_uscc(uscc)))
    if subject is None or subject.kind != SubjectKind.VILLAGE_COLLECTIVE.value or not subject.uscc:
        raise NotFound("未找到该村集体经济组织", code="rural.village_not_found")
    if not subject.uscc.startswith("N2"):
        raise Invalid(
            "村（社区）须以村级集体经济组织（N2 开头的统一社会信用代码）登记", code="rural.not_village"
        )
    existing = session.get(RuralVillage, subject.id)
    if existing is not None:
        return existing
    town = township.strip()
    code = townships.code_for(session, subject.region_code or "", town, township_code)
    village = RuralVillage(subject_id=subject.id, township=town, unit_kind=unit_kind, township_code=code)
    session.add(village)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="rural.village_registered",
        object_type="subject",
        object_id=subject.id,
        detail={"township": village.township, "township_code": code, "unit_kind": unit_kind},
    )
    return village


def register_household(
    session: Session, keys: KeyRing, *, village_id: int, name: str, members: Sequence[MemberIn], actor: str
) -> Subject:
    """Register a household (a 农户 subject) in a village with its members, 户主 first."""
    village = session.get(RuralVillage, village_id)
    if village is None:
        raise NotFound("未找到该村（社区）", code="rural.village_not_found")
    if not members or members[0].relation != "户主" or sum(m.relation == "户主" for m in members) != 1:
        raise Invalid("农户须有且只有一名户主，列在第一位", code="rural.head_required")
    collective = session.get(Subject, village_id)
    region = collective.region_code if collective else None
    household = subjects_service.build_subject(
        keys, subjects_service.SubjectInput(name=name, kind=SubjectKind.HOUSEHOLD, region_code=region)
    )
    session.add(household)
    session.flush()
    session.add(RuralHousehold(subject_id=household.id, village_id=village_id))
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="rural.household_registered",
        object_type="subject",
        object_id=household.id,
        detail={"village_id": village_id, "members": len(members)},
    )
    for member in members:
        attach_member(session, keys, household.id, member, actor=actor)
    return household


def attach_member(
    session: Session, keys: KeyRing, household_id: int, member: MemberIn, *, actor: str
) -> RuralMember:
    """Attach a natural person to a household by ID number (blind index only); one household per person."""
    if member.relation not in RELATIONS:
        raise Invalid(f"与户主关系须为 {'、'.join(RELATIONS)} 之一", code="rural.bad_relation")
    if session.get(RuralHousehold, household_id) is None:
        raise NotFound("未找到该农户", code="rural.household_not_found")
    lookup, masked = _lookup(keys, member.id_card)
    if session.scalar(select(RuralMember.id).where(RuralMember.member_lookup == lookup)) is not None:
        raise Conflict("该居民已是某一农户的家庭成员", code="rural.member_exists")
    row = RuralMember(
        household_id=household_id,
        member_lookup=lookup,
        id_masked=masked,
        name=member.name.strip(),
        relation=member.relation,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="rural.member_attached",
        object_type="subject",
        object_id=household_id,
        detail={"member": row.id, "relation": member.relation},
    )
    return row


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise Invalid(f"{path.name} 缺少列：{'、'.join(sorted(missing))}", code="rural.bad_file")
        yield from reader


def load_files(
    session: Session, keys: KeyRing, villages: Path, households: Path, *, actor: str
) -> dict[str, int]:
    """Load a villages file and a households file (one row per member, grouped by ``household``)."""
    village_ids: dict[str, int] = {}
    for row in _rows(villages, VILLAGE_COLUMNS):
        v = register_village(
            session,
            uscc=row["uscc"],
            township=row["township"],
            unit_kind=row["unit_kind"],
            actor=actor,
            township_code=(row.get("township_code") or "").strip() or None,
        )
        village_ids[ids.normalize_uscc(row["uscc"])] = v.subject_id
    groups: dict[str, list[dict[str, str]]] = {}
    for row in _rows(households, HOUSEHOLD_COLUMNS):
        groups.setdefault(row["household"], []).append(row)
    members = 0
    for rows in groups.values():
        village = village_ids.get(ids.normalize_uscc(rows[0]["village_uscc"]))
        if village is None:
            raise NotFound(f"农户 {rows[0]['household']} 所在村未登记", code="rural.village_not_found")
        people = [MemberIn(r["member_id_card"], r["member_name"], r["relation"]) for r in rows]
        register_household(
            session, keys, village_id=village, name=rows[0]["name"], members=people, actor=actor
        )
        members += len(people)
    return {"villages": len(village_ids), "households": len(groups), "members": members}
