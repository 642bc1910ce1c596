"""Licences of key professions: register one (the person by encrypted ID), sanction its holder, and read
licences with their status derived from dates and from the revoking sanctions on the person's file."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import audited, people
from xinyong.agencies.models import ProfessionalLicence
from xinyong.agencies.professions_rules import ProfessionCatalog, catalog_of
from xinyong.agencies.schemas import Labelled, LicenceIn, LicenceRead, SanctionIn, SanctionRead
from xinyong.auth.principal import Principal
from xinyong.errors import Conflict, Invalid, NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.kit.dates import phase
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.rules.disclosure import Audience
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject

WHAT = "professional_licence"
_PHASE = {"before": ("pending", "尚未生效"), "during": ("valid", "有效"), "after": ("expired", "已过有效期")}


def register(
    session: Session, policy: Policy, keys: KeyRing, principal: Principal, body: LicenceIn, *, on: dt.date
) -> ProfessionalLicence:
    """Register a licence; the profession must be in the catalog on the day it was issued."""
    catalog = catalog_of(policy, on)
    if catalog.get(body.profession, body.issued_on) is None:
        raise Invalid(
            f"{body.profession} 不是发证之日目录中的重点职业", code="professions.unknown_profession"
        )
    if body.valid_to is not None and body.valid_to < body.issued_on:
        raise Invalid("有效期截止日早于发证日期", code="professions.bad_validity")
    taken = select(ProfessionalLicence.id).where(
        ProfessionalLicence.profession == body.profession, ProfessionalLicence.licence_no == body.licence_no
    )
    if session.scalar(taken) is not None:
        raise Conflict("该证书编号已登记", code="professions.duplicate_licence")
    person = subjects_service.ensure_person(session, keys, body.name, body.id_card)
    row = ProfessionalLicence(
        person_id=person.id,
        profession=body.profession,
        licence_no=body.licence_no,
        issuing_department=body.issuing_department,
        issued_on=body.issued_on,
        valid_to=body.valid_to,
        created_by=principal.actor,
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="professions.licence",
        detail={"person_id": person.id, "profession": row.profession, "licence_no": row.licence_no},
    )


def get(session: Session, licence_id: int) -> ProfessionalLicence:
    """Return a licence or raise ``NotFound``."""
    row = session.get(ProfessionalLicence, licence_id)
    if row is None:
        raise NotFound("未找到该执业登记", code="professions.licence_not_found")
    return row


def sanction(
    session: Session, policy: Policy, principal: Principal, licence_id: int, body: SanctionIn, *, on: dt.date
) -> SanctionRead:
    """Write a sanction of the licence's holder as a record naming the licence."""
    row = get(session, licence_id)
    person = session.get(Subject, row.person_id)
    assert person is not None  # noqa: S101 - foreign key
    category = catalog_of(policy, on).labels().get(row.profession, row.profession)
    return people.write_sanction(
        session,
        policy,
        principal,
        person,
        body,
        category=category,
        licence_no=row.licence_no,
        employer=None,
        on=on,
    )


def revoked_on(session: Session, policy: Policy, row: ProfessionalLicence, on: dt.date) -> dt.date | None:
    """Return the day a revoking sanction naming this licence took effect (on or before ``on``), if any.

    A sanction deleted (e.g. found wrong on objection) no longer stands: the rule core's decision for the
    credit centre says whether the record is still on file; a repaired one still stands (repair ends its
    publication, not the revocation).
    """
    spec = catalog_of(policy, on).sanctions
    records = [
        r
        for r in records_service.subject_records(session, row.person_id)
        if r.catalog_item == spec.catalog_item
        and (r.payload or {}).get("ZY_ZSBH") == row.licence_no
        and (r.payload or {}).get("CJ_LX") in spec.revoking
    ]
    days = [
        v.record.decision_on
        for v in records_service.decide_records(session, records, Audience.CREDIT_CENTRE, on, policy)
        if v.disclosure.shown and v.record.decision_on is not None and v.record.decision_on <= on
    ]
    return min(days) if days else None


def status(session: Session, policy: Policy, row: ProfessionalLicence, on: dt.date) -> Labelled:
    """Return a licence's status on ``on``: revoked by a sanction, else by its validity dates."""
    if revoked_on(session, policy, row, on) is not None:
        return Labelled(code="revoked", label="已吊销或撤销")
    end = row.valid_to + dt.timedelta(days=1) if row.valid_to is not None else None
    code, label = _PHASE[phase(row.issued_on, end, on)]
    return Labelled(code=code, label=label)


def read(
    session: Session,
    policy: Policy,
    catalog: ProfessionCatalog,
    row: ProfessionalLicence,
    person: Subject,
    on: dt.date,
) -> LicenceRead:
    """Return a licence as government reads it."""
    return LicenceRead(
        id=row.id,
        name=person.name,
        id_masked=people.masked(person),
        profession=Labelled(code=row.profession, label=catalog.labels().get(row.profession, row.profession)),
        licence_no=row.licence_no,
        issuing_department=row.issuing_department,
        issued_on=row.issued_on,
        valid_to=row.valid_to,
        status=status(session, policy, row, on),
    )


def listing(
    session: Session, policy: Policy, principal: Principal, *, on: dt.date, profession: str | None = None
) -> list[LicenceRead]:
    """Return the licences the caller may read (each read logged against the person)."""
    query = select(ProfessionalLicence, Subject).join(Subject, Subject.id == ProfessionalLicence.person_id)
    if profession:
        query = query.where(ProfessionalLicence.profession == profession)
    catalog = catalog_of(policy, on)
    rows = session.execute(query.order_by(ProfessionalLicence.profession, ProfessionalLicence.id)).all()
    return [
        read(session, policy, catalog, lic, person, on)
        for lic, person in rows
        if people.readable(session, policy, principal, person, what=WHAT, on=on)
    ]
