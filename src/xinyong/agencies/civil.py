"""公务员信用档案: civil servants' posts in their government bodies, the bodies' declared headcounts, and
the coverage statistic the credit centre follows (the plan targets 100 %)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import audited, coverage, people
from xinyong.agencies.models import BodyHeadcount, CivilServant
from xinyong.agencies.professions_rules import catalog_of
from xinyong.agencies.schemas import (
    CivilServantIn,
    CivilServantRead,
    CoverageRead,
    CoverageRow,
    HeadcountIn,
    Labelled,
    LeaveIn,
    SanctionIn,
    SanctionRead,
)
from xinyong.auth.principal import Principal
from xinyong.errors import Conflict, Invalid, NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.kit.dates import phase
from xinyong.policy.loader import Policy
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject, SubjectKind

WHAT = "civil_servant"
_POST = {"before": ("not_started", "尚未任职"), "during": ("in_post", "在职"), "after": ("left", "已离职")}


def body_of(session: Session, keys: KeyRing, uscc: str) -> Subject:
    """Return the government body (政府机构 subject) with ``uscc``."""
    body = subjects_service.get_by_code(session, keys, uscc)
    if body.kind != SubjectKind.GOVERNMENT.value:
        raise Invalid("任职机关须为政府机构主体", code="professions.not_government_body")
    return body


def register(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    body: CivilServantIn,
    *,
    on: dt.date,
) -> CivilServant:
    """Register a civil servant's post; the person's credit file is the person's subject (encrypted ID)."""
    org = body_of(session, keys, body.body_uscc)
    if body.appointed_on > on:
        raise Invalid("任职日期不能晚于今天", code="professions.future_post")
    person = subjects_service.ensure_person(session, keys, body.name, body.id_card)
    held = select(CivilServant.id).where(
        CivilServant.person_id == person.id, CivilServant.body_id == org.id, CivilServant.left_on.is_(None)
    )
    if session.scalar(held) is not None:
        raise Conflict("此人已在该机关任职", code="professions.already_in_post")
    row = CivilServant(
        person_id=person.id,
        body_id=org.id,
        position=body.position,
        appointed_on=body.appointed_on,
        created_by=principal.actor,
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="professions.civil_servant",
        detail={"person_id": person.id, "body_id": org.id, "appointed_on": body.appointed_on.isoformat()},
    )


def get(session: Session, post_id: int) -> CivilServant:
    """Return a post or raise ``NotFound``."""
    row = session.get(CivilServant, post_id)
    if row is None:
        raise NotFound("未找到该公务员任职登记", code="professions.post_not_found")
    return row


def leave(session: Session, principal: Principal, post_id: int, body: LeaveIn) -> CivilServant:
    """Record the day a civil servant leaves the body."""
    row = get(session, post_id)
    return audited.ended(
        session,
        row,
        "left_on",
        start=row.appointed_on,
        day=body.left_on,
        actor=principal.actor,
        action="professions.civil_servant_leave",
        already=Conflict("该任职已结束", code="professions.already_left"),
        too_early=Invalid("离职日期早于任职日期", code="professions.bad_leave_date"),
    )


def sanction(
    session: Session, policy: Policy, principal: Principal, post_id: int, body: SanctionIn, *, on: dt.date
) -> SanctionRead:
    """Write a 政务处分 (or other sanction) of a civil servant as a record on the person's file."""
    row = get(session, post_id)
    person, org = session.get(Subject, row.person_id), session.get(Subject, row.body_id)
    assert person is not None  # noqa: S101 - foreign key
    assert org is not None  # noqa: S101 - foreign key
    label = catalog_of(policy, on).civil_service.label
    return people.write_sanction(
        session, policy, principal, person, body, category=label, licence_no=None, employer=org.name, on=on
    )


def report_headcount(
    session: Session, keys: KeyRing, principal: Principal, body: HeadcountIn
) -> BodyHeadcount:
    """Record a body's declared number of civil servants from a day on (coverage's denominator)."""
    org = body_of(session, keys, body.body_uscc)
    same_day = select(BodyHeadcount).where(
        BodyHeadcount.body_id == org.id, BodyHeadcount.reported_on == body.reported_on
    )
    if session.scalar(same_day) is not None:
        raise Conflict("该机关当日已报送在编人数", code="professions.duplicate_headcount")
    row = BodyHeadcount(
        body_id=org.id, headcount=body.headcount, reported_on=body.reported_on, created_by=principal.actor
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="professions.headcount",
        detail={"body_id": org.id, "headcount": body.headcount, "reported_on": body.reported_on.isoformat()},
    )


def listing(session: Session, policy: Policy, principal: Principal, *, on: dt.date) -> list[CivilServantRead]:
    """Return the posts the caller may read (each read logged against the person)."""
    rows = session.scalars(select(CivilServant).order_by(CivilServant.body_id, CivilServant.id)).all()
    subjects = {
        s.id: s
        for s in session.scalars(
            select(Subject).where(Subject.id.in_({r.person_id for r in rows} | {r.body_id for r in rows}))
        )
    }
    out = []
    for r in rows:
        person = subjects[r.person_id]
        if not people.readable(session, policy, principal, person, what=WHAT, on=on):
            continue
        code, label = _POST[phase(r.appointed_on, r.left_on, on)]
        out.append(
            CivilServantRead(
                id=r.id,
                name=person.name,
                id_masked=people.masked(person),
                body_name=subjects[r.body_id].name,
                position=r.position,
                appointed_on=r.appointed_on,
                left_on=r.left_on,
                status=Labelled(code=code, label=label),
            )
        )
    return out


def coverage_of(session: Session, policy: Policy, *, on: dt.date) -> CoverageRead:
    """Return, per government body, civil servants in post with a credit file over the declared headcount."""
    service = catalog_of(policy, on).civil_service
    posts: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for body_id, start, end in session.execute(
        select(CivilServant.body_id, CivilServant.appointed_on, CivilServant.left_on)
    ):
        posts[body_id].append((start, end))
    declared: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for body_id, day, n in session.execute(
        select(BodyHeadcount.body_id, BodyHeadcount.reported_on, BodyHeadcount.headcount)
    ):
        declared[body_id].append((day, n))
    bodies = session.scalars(
        select(Subject).where(Subject.kind == SubjectKind.GOVERNMENT.value).order_by(Subject.name)
    ).all()
    rows = []
    for b in bodies:
        f = coverage.figures(posts[b.id], declared[b.id], on, service.coverage_target)
        rows.append(
            CoverageRow(
                body_name=b.name,
                body_uscc=b.uscc or "",
                in_post=f.in_post,
                headcount=f.headcount,
                coverage=f.coverage,
                meets_target=f.meets_target,
                note=f.note,
            )
        )
    total_in = sum(r.in_post for r in rows if r.headcount)
    total_head = sum(r.headcount or 0 for r in rows)
    return CoverageRead(
        as_of=on,
        target=service.coverage_target,
        basis=service.basis,
        bodies=rows,
        total_in_post=total_in,
        total_headcount=total_head,
        overall=total_in / total_head if total_head else None,
    )
